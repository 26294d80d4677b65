#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Streams a reproducible POSIX (ustar + PAX) tar archive to a sink through one fixed-size buffer.
///
/// File content is read from disk straight into the buffer, so memory use does not depend on file or archive size.
/// Entries must arrive sorted by path (UTF-8 byte order) with every parent directory before them, which
/// ``LayerSource`` guarantees; the writer checks it, so a layer never has duplicate paths or missing parents.
/// Headers carry the fixed `mtime` and empty user and group names; uid/gid 0 and normalised modes unless an entry has
/// ``LayerEntry/Attributes``, whose exact mode, owner and extended attributes (PAX `SCHILY.xattr.*`) are written.
///
/// The sink receives the archive in chunks of at most `bufferSize` bytes; the bytes are only valid during the call.
public final class TarWriter {
    /// Receives archive bytes; the buffer is only valid during the call.
    public typealias Sink = (UnsafeRawBufferPointer) throws(LayerError) -> Void

    private let mtime: Int64
    private let sink: Sink
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    private var previousPath: String?
    private var directories: Set<String> = []
    private var files: [String: LayerEntry] = [:]
    private var finished = false

    /// The number of archive bytes produced so far (headers, content, padding and, after ``finish()``, the trailer).
    public private(set) var bytesWritten: Int64 = 0

    /// Creates a writer.
    ///
    /// - Parameters:
    ///   - mtime: the modification time of every entry, in seconds since the epoch (`SOURCE_DATE_EPOCH` or 0).
    ///   - bufferSize: the size of the one buffer bytes go through (at least 4 KiB; default 1 MiB).
    ///   - sink: called with each full buffer and with the rest on ``finish()``.
    /// - Throws: ``LayerError`` when `mtime` is negative.
    public init(mtime: Int64 = 0, bufferSize: Int = 1 << 20, sink: @escaping Sink) throws(LayerError) {
        if mtime < 0 {
            throw LayerError(.invalidOption, "layer mtime \(mtime) is negative; use SOURCE_DATE_EPOCH >= 0")
        }
        self.mtime = mtime
        self.sink = sink
        self.buffer = .allocate(byteCount: max(bufferSize, 4096), alignment: 4096)
    }

    deinit {
        buffer.deallocate()
    }

    /// Appends one entry; for a file, streams its content from disk.
    ///
    /// - Throws: ``LayerError`` when the entry is out of order or duplicated, its parent directory was not written,
    ///   a hardlink target is not a regular file written earlier, the file cannot be read or changed size, or the
    ///   sink fails.
    public func append(_ entry: LayerEntry) throws(LayerError) {
        precondition(!finished, "TarWriter.append after finish")
        if let previous = previousPath, !LayerPath.precedes(previous, entry.path) {
            if previous == entry.path {
                throw LayerError(.conflict, "layer path \"\(entry.path)\" appears twice; a layer holds each path once")
            }
            throw LayerError(
                .conflict, "layer entry \"\(entry.path)\" comes after \"\(previous)\"; entries must be sorted by path")
        }
        if let parent = LayerPath.ancestors(of: entry.path).last, !directories.contains(parent) {
            throw LayerError(
                .conflict,
                "layer entry \"\(entry.path)\" has no directory entry \"\(parent)\" before it; "
                    + "add the parent (LayerSource does this)")
        }
        previousPath = entry.path

        switch entry.kind {
        case .directory:
            directories.insert(entry.path)
            try putHeader(header(for: entry, name: entry.path + "/", type: .directory, size: 0))
        case .symlink(let target):
            try putHeader(header(for: entry, name: entry.path, type: .symlink, size: 0, linkName: target))
        case .hardlink(let target):
            guard let targetEntry = files[target] else {
                throw LayerError(
                    .invalidLink,
                    "hardlink \"\(entry.path)\" points at \"\(target)\", which is not a regular file earlier in the "
                        + "layer; link to a file of the same layer")
            }
            // A hardlink shares its target's inode, so it carries the target's metadata.
            try putHeader(header(for: targetEntry, name: entry.path, type: .hardlink, size: 0, linkName: target))
        case .file(let source, let size, _):
            files[entry.path] = entry
            try putHeader(header(for: entry, name: entry.path, type: .regular, size: size))
            try putFileContent(source: source, size: size, layerPath: entry.path)
            try putZeros(TarHeader.padding(for: size))
        }
    }

    /// The header of `entry` (mode, owner and xattrs from it) under `name`.
    private func header(
        for entry: LayerEntry, name: String, type: TarHeader.TypeFlag, size: Int64, linkName: String = ""
    ) -> TarHeader {
        var header = TarHeader(
            name: name, type: type, mode: entry.mode, size: size, mtime: mtime, linkName: linkName)
        if let attributes = entry.attributes {
            header.uid = attributes.uid
            header.gid = attributes.gid
            header.xattrs = attributes.sortedXattrs
        }
        return header
    }

    /// Writes the end-of-archive marker (two zero blocks) and hands the remaining bytes to the sink.
    public func finish() throws(LayerError) {
        precondition(!finished, "TarWriter.finish called twice")
        try putZeros(2 * TarHeader.blockSize)
        try flush()
        finished = true
    }

    private func putHeader(_ header: TarHeader) throws(LayerError) {
        let bytes = header.encode()
        var offset = 0
        while offset < bytes.count {
            if used == buffer.count { try flush() }
            let count = min(buffer.count - used, bytes.count - offset)
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(rebasing: buffer[used..<(used + count)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)]))
            }
            used += count
            offset += count
        }
        bytesWritten += Int64(bytes.count)
    }

    private func putZeros(_ count: Int) throws(LayerError) {
        var remaining = count
        while remaining > 0 {
            if used == buffer.count { try flush() }
            let chunk = min(buffer.count - used, remaining)
            UnsafeMutableRawBufferPointer(rebasing: buffer[used..<(used + chunk)])
                .initializeMemory(as: UInt8.self, repeating: 0)
            used += chunk
            remaining -= chunk
        }
        bytesWritten += Int64(count)
    }

    private func flush() throws(LayerError) {
        guard used > 0 else { return }
        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<used])
        used = 0
        try sink(chunk)
    }

    /// Reads exactly `size` bytes of `source` into the buffer, flushing as it fills, and checks the file did not grow.
    private func putFileContent(source: String, size: Int64, layerPath: String) throws(LayerError) {
        let fd = open(source, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw LayerError.io("cannot open", source, errno: errno)
        }
        defer { close(fd) }
        #if os(Linux)
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        var remaining = size
        while true {
            if used == buffer.count { try flush() }
            let space = buffer.count - used
            // Once all bytes are in, ask for one more to notice a file that grew since it was listed.
            let wanted = remaining > 0 ? Int(min(Int64(space), remaining)) : 1
            let count = read(fd, buffer.baseAddress! + used, wanted)
            if count < 0 {
                if errno == EINTR { continue }
                throw LayerError.io("cannot read", source, errno: errno)
            }
            if remaining == 0 {
                if count > 0 {
                    throw LayerError(
                        .fileChanged,
                        "file \(source) (layer path \"\(layerPath)\") grew while the layer was written; "
                            + "build again when nothing writes to it")
                }
                break
            }
            if count == 0 {
                throw LayerError(
                    .fileChanged,
                    "file \(source) (layer path \"\(layerPath)\") shrank from \(size) bytes while the layer was "
                        + "written; build again when nothing writes to it")
            }
            used += count
            remaining -= Int64(count)
            bytesWritten += Int64(count)
        }
    }
}
