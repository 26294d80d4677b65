import Layers

/// Turns fuzz input into a list of layer entries the writer can be given: normalised, parents first, sorted.
enum EntryList {
    /// The entries of `bytes`, or nil when the input is not text of the expected form.
    static func decode(_ bytes: [UInt8]) -> [LayerEntry]? {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var byPath: [String: LayerEntry] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2, let entry = try? entry(fields) else { continue }
            if byPath[entry.path] == nil { byPath[entry.path] = entry }
        }
        for path in Array(byPath.keys) {
            for parent in LayerPath.ancestors(of: path) where byPath[parent]?.isDirectory != true {
                byPath[parent] = try? LayerEntry.directory(parent)
            }
        }
        guard !byPath.isEmpty else { return nil }
        return byPath.values.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    private static func entry(_ fields: [String]) throws -> LayerEntry {
        let path = fields[1]
        let target = fields.count > 2 ? fields[2] : "x"
        var entry: LayerEntry
        switch fields[0] {
        case "d": entry = try .directory(path)
        case "f": entry = try .emptyFile(path)
        case "l": entry = try LayerEntry(path: path, kind: .symlink(target: target))
        case "h": entry = try LayerEntry(path: path, kind: .hardlink(target: target))
        case "w": entry = try .whiteout(path)
        case "o": entry = try .opaqueWhiteout(path)
        default: throw DecodeError()
        }
        if fields.count >= 6, let mode = UInt32(fields[3], radix: 8), let uid = UInt32(fields[4]),
            let gid = UInt32(fields[5])
        {
            var xattrs: [String: [UInt8]] = [:]
            for pair in fields.dropFirst(6) {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                xattrs[String(pair[..<equals])] = Array(pair[pair.index(after: equals)...].utf8)
            }
            entry.attributes = LayerEntry.Attributes(mode: mode, uid: uid, gid: gid, xattrs: xattrs)
        }
        return entry
    }

    private struct DecodeError: Error {}
}
