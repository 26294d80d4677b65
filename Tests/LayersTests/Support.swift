import Foundation
import Testing

@testable import Layers

/// A scratch directory removed when the value is released.
final class Scratch: Sendable {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/layers-test-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ShellError(message: "mkdtemp failed: \(errno)")
        }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `path/relative`, creating parent directories.
    @discardableResult
    func file(_ relative: String, _ text: String, mode: Int = 0o644) throws -> String {
        try file(relative, bytes: Array(text.utf8), mode: mode)
    }

    /// `path/relative` with `bytes`, creating parent directories.
    @discardableResult
    func file(_ relative: String, bytes: [UInt8], mode: Int = 0o644) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
        chmod(full, mode_t(mode))
        return full
    }

    /// Creates the directory `path/relative` (and parents).
    @discardableResult
    func directory(_ relative: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }

    /// Creates a symlink `path/relative` → `target`.
    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: target)
    }
}

struct ShellError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Output of a finished command.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `script` with `/bin/sh -c` (arguments become `$1`, `$2`, …) and returns its status and output.
@discardableResult
func sh(_ script: String, _ arguments: String..., check: Bool = true) throws -> CommandResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script, "sh"] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes concurrently with the process so large outputs cannot block it.
    nonisolated(unsafe) var errData = Data()
    let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    errReader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errReader.isFinished { usleep(1000) }
    let result = CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
    if check && result.status != 0 {
        throw ShellError(message: "command failed (\(result.status)): \(script) \(arguments)\n\(result.stderr)")
    }
    return result
}

/// `sha256sum` of a file, as the coreutils tool computes it (an independent implementation).
func sha256sum(_ path: String) throws -> String {
    String(try sh("sha256sum \"$1\"", path).stdout.prefix(64))
}

/// A tree with the awkward cases: long paths, non-ASCII names, symlinks, empty dirs, executables, odd sizes.
func makeAwkwardTree(in scratch: Scratch, root: String = "tree") throws -> String {
    let long1 = String(repeating: "d", count: 120)
    let long2 = String(repeating: "e", count: 110)
    try scratch.file("\(root)/bin/tool", "#!/bin/sh\necho hi\n", mode: 0o700)
    try scratch.file("\(root)/bin/readable-exec", "x", mode: 0o751)
    try scratch.file("\(root)/etc/secret", "private", mode: 0o600)
    try scratch.file("\(root)/empty-file", "")
    try scratch.file("\(root)/sizes/511", bytes: [UInt8](repeating: 0x41, count: 511))
    try scratch.file("\(root)/sizes/512", bytes: [UInt8](repeating: 0x42, count: 512))
    try scratch.file("\(root)/sizes/513", bytes: (0..<513).map { UInt8($0 % 251) })
    try scratch.file("\(root)/sizes/big", bytes: (0..<(3 << 20) + 17).map { UInt8(($0 * 7) % 256) })
    try scratch.file("\(root)/\(long1)/\(long2)/\(String(repeating: "f", count: 60)).py", "long path\n")
    try scratch.file("\(root)/\(String(repeating: "n", count: 150))", "long single name\n")
    try scratch.file("\(root)/café/naïve-文件.txt", "unicode\n")
    try scratch.file("\(root)/a-b", "sorts before a/b\n")
    try scratch.file("\(root)/a/b", "inside a\n")
    try scratch.directory("\(root)/empty/dir")
    try scratch.symlink("\(root)/link-relative", to: "sizes/511")
    try scratch.symlink("\(root)/link-absolute", to: "/usr/bin/python3")
    try scratch.symlink("\(root)/link-dangling", to: "../nowhere/at/all")
    try scratch.symlink("\(root)/link-long", to: String(repeating: "t/", count: 70) + "target")
    try scratch.symlink("\(root)/link-unicode", to: "café/naïve-文件.txt")
    return scratch.path + "/" + root
}

/// Peak resident set size of this process in KiB (`VmHWM`).
func peakResidentKiB() throws -> Int {
    let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let digits = line.filter(\.isNumber)
        if let value = Int(digits) { return value }
    }
    throw ShellError(message: "no VmHWM in /proc/self/status")
}

/// Sets `VmHWM` back to the current RSS (Linux `clear_refs` value 5); returns whether the kernel allowed it.
func resetPeakResident() -> Bool {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return write(fd, "5", 1) == 1
}
