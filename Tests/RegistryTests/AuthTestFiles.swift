import Foundation

/// A throwaway directory for one test, removed when the value is dropped via ``remove()``.
struct AuthTestDirectory {
    let path: String

    init(_ label: String = "auth") throws {
        let base = (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "imagespec-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        path = base
    }

    /// Writes `text` to `relative` (creating directories) and returns the full path.
    @discardableResult
    func write(_ text: String, to relative: String, executable: Bool = false) throws -> String {
        let full = (path as NSString).appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: full)
        }
        return full
    }

    /// The full path of `relative`.
    func file(_ relative: String) -> String {
        (path as NSString).appendingPathComponent(relative)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Base64 of `user:password`, as `docker login` stores it.
func dockerAuth(_ user: String, _ password: String) -> String {
    Data("\(user):\(password)".utf8).base64EncodedString()
}
