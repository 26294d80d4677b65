#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Converts an extracted OCI layer tree into overlayfs lower-directory format, in place.
enum LowerDirectoryFormat {
    /// `.wh.NAME` → character device 0:0 `NAME`; `.wh..wh..opq` → `trusted.overlay.opaque=y` and
    /// `user.overlay.opaque=y` on its directory; other `.wh..wh.*` names (aufs bookkeeping) are removed.
    static func convertWhiteouts(in directory: String) throws(RunError) {
        for name in try Posix.list(directory) {
            let path = directory + "/" + name
            if name == ".wh..wh..opq" {
                try remove(path)
                try Posix.setXattr(directory, "trusted.overlay.opaque", [UInt8(ascii: "y")])
                try Posix.setXattr(directory, "user.overlay.opaque", [UInt8(ascii: "y")])
            } else if name.hasPrefix(".wh..wh.") {
                Posix.removeTree(path)
            } else if name.hasPrefix(".wh.") {
                try remove(path)
                let target = directory + "/" + name.dropFirst(4)
                if try Posix.status(target) != nil { Posix.removeTree(target) }
                if mknod(target, mode_t(S_IFCHR), 0) != 0 {
                    throw RunError(.io, "cannot create the whiteout \(target): \(Posix.errorText(errno))")
                }
            } else if try Posix.status(path)?.isDirectory == true {
                try convertWhiteouts(in: path)
            }
        }
    }

    private static func remove(_ path: String) throws(RunError) {
        if unlink(path) != 0 {
            throw RunError(.io, "cannot remove \(path): \(Posix.errorText(errno))")
        }
    }
}
