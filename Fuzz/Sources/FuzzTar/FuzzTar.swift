import FuzzDriver
import Layers

/// The layer tar writer (ustar + PAX headers, Sources/Layers): the archive it writes for any entries it accepts must
/// read back, with an independent reader (``TarArchive``), as exactly those entries, with valid checksums, PAX records
/// and block padding.
///
/// imagespec reads tar streams only through GNU tar (RootfsStore, TarListing); the tar code of its own is the
/// writer, so this target round-trips it. The input is one entry per line, fields separated by TAB:
/// `KIND PATH [TARGET] [MODE UID GID [XATTR=VALUE ...]]`, KIND `d` directory, `f` empty file, `l` symlink,
/// `h` hardlink, `w` whiteout, `o` opaque whiteout. Missing parent directories are added, and entries are sorted.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTar(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: count)
    guard let entries = EntryList.decode(Array(bytes)) else { return -1 }
    var archive: [UInt8] = []
    let written: Int64
    do {
        let writer = try TarWriter(mtime: 1_700_000_000, bufferSize: 4096) { chunk in archive += chunk }
        for entry in entries { try writer.append(entry) }
        try writer.finish()
        written = writer.bytesWritten
    } catch {
        // A refusal (a duplicate, a hardlink to a non-file) is an answer, not a bug.
        _ = String(describing: error)
        return 0
    }
    precondition(Int64(archive.count) == written, "bytesWritten \(written) but \(archive.count) bytes came out")
    let read: [TarArchive.Member]
    do {
        read = try TarArchive.members(of: archive)
    } catch {
        fatalError("the writer's archive does not read back: \(error)")
    }
    precondition(read.count == entries.count, "wrote \(entries.count) entries, read \(read.count)")
    for (entry, member) in zip(entries, read) {
        TarArchive.check(member, matches: entry, in: entries)
    }
    return 0
}

/// Runs libFuzzer on ``fuzzTar(_:_:)``.
@main
enum FuzzTarMain {
    static func main() { FuzzDriver.run(fuzzTar) }
}
