/// One distribution found in a staging tree through its `*.dist-info/RECORD`.
public struct InstalledDistribution: Sendable, Hashable, Codable {
    /// The project name as the dist-info directory spells it (`hello_pkg`).
    public var name: String
    /// The version from the dist-info directory name.
    public var version: String
    /// The normalised name (PEP 503: lowercase, runs of `-_.` as `-`), used for ordering and grouping.
    public var normalizedName: String
    /// Staging-relative paths of the files it owns (its RECORD's entries that exist, its dist-info directory).
    public var files: [String]
    /// Total size of those files in bytes.
    public var size: Int64

    /// Creates a distribution record.
    public init(name: String, version: String, files: [String], size: Int64) {
        self.name = name
        self.version = version
        self.normalizedName = Self.normalize(name)
        self.files = files
        self.size = size
    }

    /// `name==version`.
    public var pin: String { "\(normalizedName)==\(version)" }

    /// PEP 503 normalisation.
    public static func normalize(_ name: String) -> String {
        var result = ""
        var lastWasSeparator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !lastWasSeparator { result.append("-") }
                lastWasSeparator = true
            } else {
                result.append(character)
                lastWasSeparator = false
            }
        }
        return result
    }
}
