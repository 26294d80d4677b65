import Support

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A temporary file in a blobs directory that becomes `<directory>/sha256/<hex>` once its digest is known.
///
/// The rename is atomic, so readers never see a partial blob under its final name. A blob that is never committed is
/// removed when the value is released.
final class BlobFile {
    let directory: String
    private(set) var temporaryPath: String
    private var descriptor: Int32
    private var committed = false

    /// Creates `<directory>/sha256/` if needed and opens a fresh temporary file in `directory`.
    init(directory: String) throws(LayerError) {
        self.directory = directory
        try FileSystem.makeDirectories(directory + "/sha256")
        var template = Array((directory + "/.tmp-layer-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if fd < 0 {
            throw LayerError.io("cannot create a temporary file in", directory, errno: errno)
        }
        descriptor = fd
        temporaryPath = String(cString: template.map { $0 })
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
        if !committed { unlink(temporaryPath) }
    }

    /// Writes all of `bytes`, retrying short writes.
    func write(_ bytes: UnsafeRawBufferPointer) throws(LayerError) {
        if let code = POSIXIO.writeAll(descriptor, bytes) {
            throw LayerError.io("cannot write", temporaryPath, errno: code)
        }
    }

    /// Closes the file and renames it to `<directory>/sha256/<hex>`; returns the final path.
    func commit(hex: String) throws(LayerError) -> String {
        if close(descriptor) != 0 {
            descriptor = -1
            throw LayerError.io("cannot close", temporaryPath, errno: errno)
        }
        descriptor = -1
        let final = directory + "/sha256/" + hex
        if rename(temporaryPath, final) != 0 {
            throw LayerError.io("cannot rename \(temporaryPath) to", final, errno: errno)
        }
        committed = true
        return final
    }
}
