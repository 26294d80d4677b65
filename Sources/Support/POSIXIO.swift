#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `read(2)`/`write(2)` loops every module needs, written once: retried on `EINTR`, writes completed across
/// short writes. Errors are returned as the `errno` value, so each caller reports them in its own error type.
package enum POSIXIO {
    /// `read(2)` into `buffer` (at most `count` bytes), retried on `EINTR`.
    ///
    /// - Returns: the bytes read (0 at end of file), or `-errno` when the read failed.
    package static func readRetrying(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int) -> Int {
        while true {
            let result = read(descriptor, buffer, count)
            if result >= 0 { return result }
            if errno == EINTR { continue }
            return -Int(errno)
        }
    }

    /// Writes all of `bytes` to `descriptor`, retrying `EINTR` and short writes.
    ///
    /// - Returns: nil when everything was written, else the `errno` of the write that failed.
    package static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        guard var pointer = bytes.baseAddress else { return nil }
        var remaining = bytes.count
        while remaining > 0 {
            let written = write(descriptor, pointer, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            pointer += written
            remaining -= written
        }
        return nil
    }
}
