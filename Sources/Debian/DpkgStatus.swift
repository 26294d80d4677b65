/// dpkg's `/var/lib/dpkg/status`: the installed packages, one paragraph each, sorted by name and architecture, with
/// fields in dpkg's own order, exactly as dpkg writes it after an install.
public struct DpkgStatus: Sendable {
    /// The paragraphs, in file order.
    public private(set) var paragraphs: [ControlParagraph]

    public init(text: String, file: String = "/var/lib/dpkg/status") throws(DebianError) {
        paragraphs = try ControlParagraph.parseAll(text, file: file)
    }

    /// The fields dpkg knows, in the order it writes them (dpkg's `fieldinfos`); other fields follow in the
    /// package's own order.
    static let knownOrder = [
        "package", "essential", "protected", "status", "priority", "section", "installed-size", "origin", "maintainer",
        "bugs", "architecture", "multi-arch", "source", "version", "config-version", "replaces", "provides", "depends",
        "pre-depends", "recommends", "suggests", "breaks", "conflicts", "enhances", "conffiles", "filename", "size",
        "md5sum", "msdos-filename", "description", "triggers-pending", "triggers-awaited",
    ]

    /// The status paragraph dpkg writes for a freshly installed package: its `control` fields plus
    /// `Status: install ok installed` and `Conffiles` (each conffile with the md5 of the installed file; `newconffile`
    /// is never left behind by a completed install).
    public static func installedParagraph(
        control: ControlParagraph, conffiles: [(path: String, md5: String)]
    ) -> ControlParagraph {
        var fields = control.fields.filter {
            let name = $0.name.lowercased()
            return name != "status" && name != "conffiles"
        }
        fields.append(("Status", "install ok installed"))
        if !conffiles.isEmpty {
            fields.append(("Conffiles", conffiles.map { "\n \($0.path) \($0.md5)" }.joined()))
        }
        let rank = Dictionary(uniqueKeysWithValues: knownOrder.enumerated().map { ($1, $0) })
        let known = fields.filter { rank[$0.name.lowercased()] != nil }
            .sorted { rank[$0.name.lowercased()]! < rank[$1.name.lowercased()]! }
        let others = fields.filter { rank[$0.name.lowercased()] == nil }
        return ControlParagraph(fields: known + others)
    }

    /// Adds (or replaces, for the same package and architecture) `paragraph`, keeping dpkg's sort order.
    public mutating func install(_ paragraph: ControlParagraph) {
        let key = Self.key(paragraph)
        paragraphs.removeAll { Self.key($0) == key }
        paragraphs.append(paragraph)
        paragraphs.sort { Self.key($0).lexicographicallyPrecedes(Self.key($1)) }
    }

    static func key(_ paragraph: ControlParagraph) -> [String] {
        [paragraph.simple("Package") ?? "", paragraph.simple("Architecture") ?? ""]
    }

    /// The installed version of `package`, if its status is `install ok installed`.
    public func installedVersion(of package: String) -> String? {
        paragraphs.first { $0.simple("Package") == package && $0.simple("Status") == "install ok installed" }?
            .simple("Version")
    }

    /// The file as dpkg writes it: paragraphs separated by blank lines, ending with one.
    public var text: String {
        paragraphs.map { $0.text + "\n" }.joined()
    }
}
