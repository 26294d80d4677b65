import Foundation
import Layers
import OCI

/// A `uv pip install --target` tree split into layers by owning distribution.
///
/// Every regular file is assigned to the distribution whose `*.dist-info/RECORD` lists it (first by normalised name
/// when several claim it); files nobody claims go to a layer of their own. Console scripts (`bin/`) land in
/// ``BuildPlan/scriptsDirectory`` with their `#!` line pointing at the image's interpreter; everything else lands in
/// ``BuildPlan/sitePackages``. uv's bookkeeping (`.lock`, `uv_cache.json`, which holds a timestamp) is left out so
/// layers depend only on the installed packages.
public struct StagingTree: Sendable {
    /// The staging directory.
    public let root: String
    /// The distributions, sorted by normalised name.
    public let distributions: [InstalledDistribution]
    /// Entries (files, links) of the tree, staging-relative, keyed by path.
    let entries: [String: LayerEntry]
    /// Paths of files no RECORD claims, sorted.
    public let unownedFiles: [String]

    /// Distributions at least this large (bytes) get a layer of their own.
    public static let ownLayerThreshold: Int64 = 1 << 20
    /// Small distributions are spread over this many layers by a hash of their name, so changing one of them
    /// changes exactly one layer.
    public static let groupCount = 8

    /// Scans `root` (after the install) and rewrites console-script shebangs to `python`'s interpreter.
    public init(root: String, python: PythonTarget) throws(BuildError) {
        self.root = root
        try Self.rewriteShebangs(in: root + "/bin", python: python)
        let source: LayerSource
        do {
            source = try LayerSource(directory: root)
        } catch {
            throw BuildError(.staging, "cannot read the installed packages in \(root): \(error.message)")
        }
        var entries: [String: LayerEntry] = [:]
        for entry in source.entries where !entry.isDirectory {
            if Self.isBookkeeping(entry.path) { continue }
            entries[entry.path] = entry
        }
        self.entries = entries

        var distributions: [InstalledDistribution] = []
        var owner: [String: Int] = [:]
        // Paths by their first component, so each dist-info directory's own files are found without a scan of
        // every path per distribution.
        var pathsByTop: [Substring: [String]] = [:]
        for path in entries.keys {
            if let slash = path.firstIndex(of: "/") { pathsByTop[path[..<slash], default: []].append(path) }
        }
        let infoDirectories = Set(
            source.entries.filter { $0.isDirectory && !$0.path.contains("/") && $0.path.hasSuffix(".dist-info") }
                .map(\.path)
        ).sorted { InstalledDistribution.normalize($0) < InstalledDistribution.normalize($1) }
        for info in infoDirectories {
            let stem = String(info.dropLast(".dist-info".count))
            guard let dash = stem.firstIndex(of: "-") else { continue }
            let name = String(stem[..<dash])
            let version = String(stem[stem.index(after: dash)...])
            var files = Set(pathsByTop[Substring(info)] ?? [])
            let record = root + "/" + info + "/RECORD"
            if FileManager.default.fileExists(atPath: record),
                (try? String(contentsOfFile: record, encoding: .utf8)) == nil
            {
                throw BuildError(
                    .staging, "\(info)/RECORD cannot be read as UTF-8 text — the installed \(name) is broken")
            }
            if let text = try? String(contentsOfFile: record, encoding: .utf8) {
                for line in text.split(whereSeparator: \.isNewline) {
                    guard let path = Self.recordPath(String(line)) else { continue }
                    if entries[path] != nil { files.insert(path) }
                }
            }
            let index = distributions.count
            var owned: [String] = []
            var size: Int64 = 0
            for file in files.sorted() where owner[file] == nil {
                owner[file] = index
                owned.append(file)
                if case .file(_, let bytes, _) = entries[file]!.kind { size += bytes }
            }
            distributions.append(InstalledDistribution(name: name, version: version, files: owned, size: size))
        }
        self.distributions = distributions
        self.unownedFiles = entries.keys.filter { owner[$0] == nil }.sorted()
    }

    /// The layers: one per large distribution (by name), then up to ``groupCount`` groups of small ones (by group
    /// number), then unowned files. `maxOwnLayers` caps the number of distributions with their own layer (the
    /// smallest large ones join the groups).
    public func layers(maxOwnLayers: Int = 60) throws(BuildError) -> [PlannedLayer] {
        let large = distributions.filter { $0.size >= Self.ownLayerThreshold }
            .sorted { ($0.size, $1.normalizedName) > ($1.size, $0.normalizedName) }
            .prefix(max(0, maxOwnLayers))
        let largeNames = Set(large.map(\.normalizedName))
        var result: [PlannedLayer] = []
        for distribution in distributions where largeNames.contains(distribution.normalizedName) {
            result.append(
                try layer(
                    for: [distribution], files: distribution.files, kind: .package,
                    createdBy: "imagespec: pip install \(distribution.pin)"))
        }
        var groups = [[InstalledDistribution]](repeating: [], count: Self.groupCount)
        for distribution in distributions where !largeNames.contains(distribution.normalizedName) {
            groups[Self.group(of: distribution.normalizedName)].append(distribution)
        }
        for (number, members) in groups.enumerated() where !members.isEmpty {
            result.append(
                try layer(
                    for: members, files: members.flatMap(\.files), kind: .package,
                    createdBy: "imagespec: pip install \(members.map(\.pin).joined(separator: " ")) "
                        + "(group \(number + 1)/\(Self.groupCount))"))
        }
        if !unownedFiles.isEmpty {
            result.append(
                try layer(
                    for: [], files: unownedFiles, kind: .package,
                    createdBy: "imagespec: installed files without a RECORD owner"))
        }
        return result
    }

    /// The group (0..<groupCount) of a small distribution: from the sha256 of its normalised name.
    static func group(of normalizedName: String) -> Int {
        let hex = Digest.sha256(Data(normalizedName.utf8)).encoded.prefix(2)
        return Int(hex, radix: 16)! % groupCount
    }

    private func layer(
        for members: [InstalledDistribution], files: [String], kind: PlannedLayer.Kind, createdBy: String
    ) throws(BuildError) -> PlannedLayer {
        var layerEntries: [LayerEntry] = []
        for path in files {
            guard let entry = entries[path] else { continue }
            let destination =
                path.hasPrefix("bin/")
                ? BuildPlan.scriptsDirectory + "/" + path.dropFirst(4) : BuildPlan.sitePackages + "/" + path
            do {
                switch entry.kind {
                case .hardlink:
                    continue  // LayerSource(directory:) stores copies by default; never reached
                default:
                    layerEntries.append(
                        try LayerEntry(path: destination, kind: entry.kind, fingerprint: entry.fingerprint))
                }
            } catch {
                throw BuildError(.staging, "installed file \(root)/\(path) cannot go into a layer: \(error.message)")
            }
        }
        do {
            return PlannedLayer(
                kind: kind, createdBy: createdBy, packages: members.map(\.pin),
                source: try LayerSource(entries: layerEntries))
        } catch {
            throw BuildError(.staging, "the layer for \(createdBy) is inconsistent: \(error.message)")
        }
    }

    /// The path of a RECORD line (CSV: path,hash,size), normalised against the staging root; nil when it leaves it.
    static func recordPath(_ line: String) -> String? {
        var path: String
        if line.hasPrefix("\"") {
            var value = ""
            var index = line.index(after: line.startIndex)
            while index < line.endIndex {
                let character = line[index]
                if character == "\"" {
                    let next = line.index(after: index)
                    if next < line.endIndex, line[next] == "\"" {
                        value.append("\"")
                        index = line.index(after: next)
                        continue
                    }
                    break
                }
                value.append(character)
                index = line.index(after: index)
            }
            path = value
        } else {
            path = String(line.prefix { $0 != "," })
        }
        var components: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component == ".." {
                guard !components.isEmpty else { return nil }
                components.removeLast()
            } else {
                components.append(component)
            }
        }
        path = components.joined(separator: "/")
        return path.isEmpty ? nil : path
    }

    static func isBookkeeping(_ path: String) -> Bool {
        path == ".lock" || (path.hasSuffix("/uv_cache.json") && path.split(separator: "/").count == 2)
    }

    /// Replaces the `#!…python…` line of every script in `directory` with `python.shebang` (new file, renamed into
    /// place, so a file hardlinked from uv's cache is never modified).
    static func rewriteShebangs(in directory: String, python: PythonTarget) throws(BuildError) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names.sorted() {
            let path = directory + "/" + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                let data = FileManager.default.contents(atPath: path), data.starts(with: Array("#!".utf8))
            else { continue }
            let end = data.firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            let first = String(decoding: data[data.startIndex..<end], as: UTF8.self)
            guard first.contains("python") else { continue }
            var rewritten = Data(python.shebang.utf8)
            rewritten.append(data[end...])
            let temporary = path + ".imagespec-tmp"
            do {
                try rewritten.write(to: URL(fileURLWithPath: temporary))
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary)
                guard rename(temporary, path) == 0 else {
                    throw BuildError(.staging, "cannot rename \(temporary): \(String(cString: strerror(errno)))")
                }
            } catch let error as BuildError {
                try? FileManager.default.removeItem(atPath: temporary)
                throw error
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw BuildError(.staging, "cannot rewrite the #! line of \(path): \(error.localizedDescription)")
            }
        }
    }
}
