import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// dpkg's `path-exclude` / `path-include` filters, as the image's dpkg would apply them while unpacking
/// (dpkg(1) "--path-exclude"; the algorithm of dpkg's `filter_should_skip`).
///
/// Patterns are read from the image's `/etc/dpkg/dpkg.cfg.d/*` (names of letters, digits, `_` and `-` only, in
/// sorted order) and then `/etc/dpkg/dpkg.cfg`, as dpkg loads them. A path is matched with `fnmatch(3)` without
/// flags (so `*` also matches `/`) against the absolute path; the last matching pattern wins. A directory or symlink
/// that would be skipped is kept when an include pattern's literal prefix (up to its first wildcard, without
/// trailing slashes) is a prefix of its path, because files below it may be brought back.
public struct DpkgPathFilter: Sendable, Hashable {
    /// One filter line.
    public struct Rule: Sendable, Hashable {
        public var include: Bool
        public var pattern: String

        public init(include: Bool, pattern: String) {
            self.include = include
            self.pattern = pattern
        }
    }

    /// The rules in the order dpkg applies them.
    public var rules: [Rule]

    public init(rules: [Rule] = []) {
        self.rules = rules
    }

    /// The filters of the image's dpkg configuration.
    public init(image: any ImageFileSystem) {
        var files: [String] = []
        for name in image.names(in: "/etc/dpkg/dpkg.cfg.d") ?? [] where Self.isConfigName(name) {
            files.append("/etc/dpkg/dpkg.cfg.d/" + name)
        }
        files.append("/etc/dpkg/dpkg.cfg")
        var rules: [Rule] = []
        for file in files {
            guard let resolved = image.resolve(file), let bytes = image.read(resolved, limit: 1 << 20) else { continue }
            rules += Self.rules(in: String(decoding: bytes, as: UTF8.self))
        }
        self.rules = rules
    }

    static func isConfigName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
                    || $0 == "-"
            }
    }

    /// The `path-exclude`/`path-include` rules of one dpkg configuration file.
    static func rules(in text: String) -> [Rule] {
        var rules: [Rule] = []
        for raw in text.split(separator: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("--") { line.removeFirst(2) }
            let separator = line.firstIndex { $0 == "=" || $0 == " " || $0 == "\t" }
            guard let separator else { continue }
            let option = line[..<separator]
            let value = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            switch option {
            case "path-exclude": rules.append(Rule(include: false, pattern: Self.unquoted(value)))
            case "path-include": rules.append(Rule(include: true, pattern: Self.unquoted(value)))
            default: continue
            }
        }
        return rules
    }

    static func unquoted(_ value: String) -> String {
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            return String(value.dropFirst().dropLast())
        }
        return value
    }

    /// Whether dpkg leaves `path` (absolute, as the package ships it: `/usr/share/doc/git/copyright`) out.
    public func skips(_ path: String, isDirectoryOrSymlink: Bool) -> Bool {
        var skip = false
        for rule in rules where fnmatch(rule.pattern, path, 0) == 0 {
            skip = !rule.include
        }
        guard skip, isDirectoryOrSymlink else { return skip }
        for rule in rules where rule.include {
            var prefix = Substring(rule.pattern)
            if let wildcard = prefix.firstIndex(where: { "*?[\\".contains($0) }) {
                prefix = prefix[..<wildcard]
            }
            while prefix.hasSuffix("/") { prefix = prefix.dropLast() }
            if path.hasPrefix(prefix) { return false }
        }
        return true
    }
}
