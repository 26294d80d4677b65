import Foundation

/// One binary package source of an image's apt configuration (`deb URI SUITE COMPONENT…`), read from
/// `sources.list`'s one-line format or a deb822 `.sources` paragraph, with its options.
public struct AptSource: Sendable, Hashable {
    public var uri: String
    public var suite: String
    public var components: [String]
    /// Options other than `signed-by`, as one-line option names (`arch`, `trusted`, …) with their values.
    public var options: [String: [String]]
    /// `signed-by` as the image names it: absolute key file paths or fingerprints.
    public var signedBy: [String]
    /// An armored key written inline in a deb822 `Signed-By:` field.
    public var inlineKey: String?
    /// Where the entry came from, `FILE line N`, for messages.
    public var origin: String

    public init(
        uri: String, suite: String, components: [String], options: [String: [String]] = [:], signedBy: [String] = [],
        inlineKey: String? = nil, origin: String
    ) {
        self.uri = uri
        self.suite = suite
        self.components = components
        self.options = options
        self.signedBy = signedBy
        self.inlineKey = inlineKey
        self.origin = origin
    }

    /// The entry as a one-line `deb` line, with `signed-by` set to `keyFiles` (host paths) when given.
    public func oneLine(keyFiles: [String]?) -> String {
        var parts: [String] = []
        for key in options.keys.sorted() {
            parts.append("\(key)=\(options[key]!.joined(separator: ","))")
        }
        if let keyFiles, !keyFiles.isEmpty { parts.append("signed-by=\(keyFiles.joined(separator: ","))") }
        let optionText = parts.isEmpty ? "" : "[ " + parts.joined(separator: " ") + " ] "
        return "deb \(optionText)\(uri) \(suite)" + (components.isEmpty ? "" : " " + components.joined(separator: " "))
    }

    /// The binary sources of the image: `/etc/apt/sources.list` then `/etc/apt/sources.list.d/*.list` and `*.sources`
    /// in name order, as apt reads them. `deb-src` entries and disabled paragraphs are left out.
    ///
    /// - Throws: ``DebianError`` naming the file and line of an entry apt would refuse too.
    public static func all(in image: any ImageFileSystem) throws(DebianError) -> [AptSource] {
        var files = ["/etc/apt/sources.list"]
        for name in image.names(in: "/etc/apt/sources.list.d") ?? []
        where name.hasSuffix(".list") || name.hasSuffix(".sources") {
            files.append("/etc/apt/sources.list.d/" + name)
        }
        var sources: [AptSource] = []
        for file in files {
            guard let resolved = image.resolve(file), let bytes = image.read(resolved, limit: 4 << 20) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            sources += file.hasSuffix(".sources") ? try deb822(text, file: file) : try oneLineFormat(text, file: file)
        }
        return sources
    }

    /// Parses sources in the one-line format.
    static func oneLineFormat(_ text: String, file: String) throws(DebianError) -> [AptSource] {
        var sources: [AptSource] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let type = words.first else { continue }
            let origin = "\(file) line \(index + 1)"
            guard type == "deb" || type == "deb-src" else {
                throw DebianError(.malformed, "\(origin): unknown type `\(type)` (expected deb or deb-src)")
            }
            words.removeFirst()
            var options: [String: [String]] = [:]
            if let first = words.first, first.hasPrefix("[") {
                // `[ a=b c=d ]` or `[a=b c=d]`.
                var optionWords: [String] = []
                var rest = Array(words)
                var closed = false
                while !rest.isEmpty {
                    var word = rest.removeFirst()
                    if word.hasPrefix("[") { word.removeFirst() }
                    if word.hasSuffix("]") {
                        word.removeLast()
                        closed = true
                    }
                    if !word.isEmpty { optionWords.append(word) }
                    if closed { break }
                }
                guard closed else { throw DebianError(.malformed, "\(origin): `[` options are not closed with `]`") }
                words = rest
                for option in optionWords {
                    guard let equals = option.firstIndex(of: "=") else {
                        throw DebianError(.malformed, "\(origin): option `\(option)` is not `name=value`")
                    }
                    var name = String(option[..<equals])
                    if name.hasSuffix("+") || name.hasSuffix("-") {
                        throw DebianError(.unsupported, "\(origin): option `\(option)` (+=/-=) is not supported")
                    }
                    name = name.lowercased()
                    options[name] = option[option.index(after: equals)...].split(separator: ",").map(String.init)
                }
            }
            guard words.count >= 2 else {
                throw DebianError(.malformed, "\(origin): expected `deb URI SUITE [COMPONENT…]`")
            }
            guard type == "deb" else { continue }
            let signedBy = options.removeValue(forKey: "signed-by") ?? []
            sources.append(
                AptSource(
                    uri: words[0], suite: words[1], components: Array(words.dropFirst(2)), options: options,
                    signedBy: signedBy, origin: origin))
        }
        return sources
    }

    /// Parses deb822 `.sources` paragraphs.
    static func deb822(_ text: String, file: String) throws(DebianError) -> [AptSource] {
        var sources: [AptSource] = []
        for (number, paragraph) in try ControlParagraph.parseAll(text, file: file).enumerated() {
            let origin = "\(file) paragraph \(number + 1)"
            func words(_ name: String) -> [String] {
                (paragraph[name] ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                    .map(String.init)
            }
            if paragraph.simple("Enabled")?.lowercased() == "no" { continue }
            let types = words("Types")
            let uris = words("URIs")
            let suites = words("Suites")
            guard !types.isEmpty, !uris.isEmpty, !suites.isEmpty else {
                throw DebianError(.malformed, "\(origin): needs Types, URIs and Suites")
            }
            guard types.contains("deb") else { continue }
            var options: [String: [String]] = [:]
            var signedBy: [String] = []
            var inlineKey: String?
            for field in paragraph.fields {
                let name = field.name.lowercased()
                switch name {
                case "types", "uris", "suites", "components", "enabled": continue
                case "signed-by":
                    if field.value.contains("BEGIN PGP PUBLIC KEY BLOCK") {
                        inlineKey = field.value.split(separator: "\n", omittingEmptySubsequences: false)
                            .map { line -> String in
                                let trimmed = line.trimmingCharacters(in: .whitespaces)
                                return trimmed == "." ? "" : trimmed
                            }.joined(separator: "\n")
                    } else {
                        signedBy = words("Signed-By")
                    }
                default:
                    let optionName = name == "architectures" ? "arch" : name == "languages" ? "lang" : name
                    options[optionName] = words(field.name)
                }
            }
            let components = words("Components")
            for uri in uris {
                for suite in suites {
                    sources.append(
                        AptSource(
                            uri: uri, suite: suite, components: components, options: options, signedBy: signedBy,
                            inlineKey: inlineKey, origin: origin))
                }
            }
        }
        return sources
    }
}
