#if os(Linux)
    #if canImport(Glibc)
        import Glibc
    #elseif canImport(Musl)
        import Musl
    #endif

    /// `statx(2)`, for the one thing `stat(2)` lacks: a file's birth time.
    ///
    /// The C library's Swift overlay does not export `statx` (it needs `_GNU_SOURCE`), so the function is looked up
    /// once at run time and the kernel's fixed `struct statx` layout (256 bytes) is read by offset. When the function
    /// is missing or the file system does not report a birth time, callers get nil and fall back to the `ctime`.
    enum Statx {
        private typealias Function =
            @convention(c) (
                Int32, UnsafePointer<CChar>, Int32, UInt32, UnsafeMutableRawPointer
            ) -> Int32

        private static let function: Function? = {
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "statx") else { return nil }
            return unsafeBitCast(symbol, to: Function.self)
        }()

        private static let birthTimeMask: UInt32 = 0x800  // STATX_BTIME
        private static let basicMask: UInt32 = 0x7ff  // STATX_BASIC_STATS
        private static let noFollow: Int32 = 0x100  // AT_SYMLINK_NOFOLLOW

        /// The birth time of `path` in nanoseconds, if the inode is still `inode` and the file system knows it.
        static func birthTime(_ path: String, follow: Bool, inode: UInt64) -> Int64? {
            guard let function else { return nil }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 8)
            defer { buffer.deallocate() }
            buffer.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
            let result = path.withCString {
                function(AT_FDCWD, $0, follow ? 0 : noFollow, basicMask | birthTimeMask, buffer)
            }
            guard result == 0 else { return nil }
            let mask = buffer.load(fromByteOffset: 0, as: UInt32.self)
            // The file must be the one stat(2) just described (not replaced in between).
            guard mask & birthTimeMask != 0, buffer.load(fromByteOffset: 32, as: UInt64.self) == inode else {
                return nil
            }
            let seconds = buffer.load(fromByteOffset: 80, as: Int64.self)
            let nanoseconds = buffer.load(fromByteOffset: 88, as: UInt32.self)
            return seconds * 1_000_000_000 + Int64(nanoseconds)
        }
    }
#endif
