import OCI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension LayerCache {
    /// The canonical description header: format, mtime and compression identity.
    static func descriptionHeader(_ options: LayerOptions) -> String {
        "\(formatVersion)\nmtime \(options.mtime)\ncompression \(options.compression.cacheIdentity)\n"
    }

    /// One NUL-separated record per entry; paths cannot contain NUL, so records cannot be confused.
    ///
    /// An entry with ``LayerEntry/Attributes`` gets a second record (`A`: mode, uid, gid, xattrs hex-encoded), so
    /// entries without attributes keep the keys they always had.
    static func describe(_ entry: LayerEntry, content: String) -> String {
        let base = describeKind(entry, content: content)
        guard let attributes = entry.attributes else { return base }
        var record = "A\0\(String(attributes.mode, radix: 8))\0\(attributes.uid)\0\(attributes.gid)\0"
        for (name, value) in attributes.sortedXattrs {
            record += "\(name)\0\(hex(value))\0"
        }
        return base + record + "\n"
    }

    /// Lower-case hex of `bytes`.
    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The record of the entry's kind, path, normalised mode, size, content or target.
    private static func describeKind(_ entry: LayerEntry, content: String) -> String {
        switch entry.kind {
        case .directory:
            "D\0\(entry.path)\0\n"
        case .file(_, let size, _):
            "F\0\(entry.path)\0\(String(entry.normalisedMode, radix: 8))\0\(size)\0\(content)\0\n"
        case .symlink(let target):
            "S\0\(entry.path)\0\(target)\0\n"
        case .hardlink(let target):
            "H\0\(entry.path)\0\(target)\0\n"
        }
    }

    /// The fingerprint key, or `nil` when some file has no fingerprint (entries not read from disk by a walk).
    static func fingerprintKey(for source: LayerSource, options: LayerOptions) -> String? {
        var hasher = DigestHasher()
        hasher.update(text: "fingerprints-v2\n" + descriptionHeader(options))
        for entry in source.entries {
            var content = ""
            if case .file = entry.kind {
                // The file's identity and state, not its host path: a staging tree in a new temporary directory
                // whose files are the same inodes (hard links into uv's cache) is the same input.
                guard let print = entry.fingerprint else { return nil }
                content = print.contentKey
            }
            hasher.update(text: describe(entry, content: content))
        }
        return hasher.finalize().encoded
    }

    /// The layer key: the description with each file's content sha256.
    func contentKey(
        for source: LayerSource, options: LayerOptions, cancellation: CancellationFlag?
    ) throws(LayerError) -> Digest {
        var learned: [String: Digest] = [:]
        return try contentKey(
            for: source, options: options, cancellation: cancellation, known: [:], learned: &learned)
    }

    /// The layer key, taking the digest of a file whose ``FileFingerprint/contentKey`` is in `known` from there
    /// instead of reading it; every fingerprinted file's digest is added to `learned`.
    func contentKey(
        for source: LayerSource, options: LayerOptions, cancellation: CancellationFlag?, known: [String: Digest],
        learned: inout [String: Digest]
    ) throws(LayerError) -> Digest {
        var hasher = DigestHasher()
        hasher.update(text: LayerCache.descriptionHeader(options))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        var files = 0
        var bytes: Int64 = 0
        var reused = 0
        for entry in source.entries {
            var content = ""
            if case .file(let path, let size, _) = entry.kind {
                let fingerprint = entry.fingerprint?.contentKey
                let digest: Digest
                if let fingerprint, let remembered = known[fingerprint] {
                    digest = remembered
                    reused += 1
                } else {
                    try cancellation?.check("computing the layer cache key")
                    digest = try LayerCache.hashFile(path, expectedSize: size, buffer: buffer)
                    files += 1
                    bytes += size
                }
                if let fingerprint { learned[fingerprint] = digest }
                content = digest.encoded
            }
            hasher.update(text: LayerCache.describe(entry, content: content))
        }
        counters.withLock {
            $0.filesHashed += files
            $0.bytesHashed += bytes
            $0.digestsReused += reused
        }
        return hasher.finalize()
    }

    /// The shape key: the description without any content (paths, kinds, modes, sizes, link targets). Layers of
    /// the same shape — the same package installed again into a new staging tree — share a file digest memo.
    static func shapeKey(for source: LayerSource, options: LayerOptions) -> String {
        var hasher = DigestHasher()
        hasher.update(text: "shape\n" + descriptionHeader(options))
        for entry in source.entries {
            hasher.update(text: describe(entry, content: ""))
        }
        return hasher.finalize().encoded
    }

    /// sha256 of a file's content, read through `buffer`; the file must still have `expectedSize` bytes.
    static func hashFile(
        _ path: String, expectedSize: Int64, buffer: UnsafeMutableRawBufferPointer
    ) throws(LayerError) -> Digest {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw LayerError.io("cannot open", path, errno: errno)
        }
        defer { close(fd) }
        var hasher = DigestHasher()
        var total: Int64 = 0
        while true {
            let count = read(fd, buffer.baseAddress!, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw LayerError.io("cannot read", path, errno: errno)
            }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            total += Int64(count)
        }
        if total != expectedSize {
            throw LayerError(
                .fileChanged,
                "file \(path) changed size (\(expectedSize) → \(total) bytes) while the layer was prepared; "
                    + "build again when nothing writes to it")
        }
        return hasher.finalize()
    }

    /// Checks every fingerprinted file still has the fingerprint it had when listed.
    func checkUnchanged(_ source: LayerSource) throws(LayerError) {
        for entry in source.entries {
            guard case .file(let path, _, _) = entry.kind, let before = entry.fingerprint else { continue }
            let now = try FileSystem.status(path, follow: true)?.fingerprint
            if now?.contentKey != before.contentKey {
                throw LayerError(
                    .fileChanged,
                    "file \(path) (layer path \"\(entry.path)\") changed while the layer was built; "
                        + "build again when nothing writes to it")
            }
        }
    }
}
