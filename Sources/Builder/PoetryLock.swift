import Foundation
import TOMLKit

/// What a `poetry.lock` pins: each locked package's name, version, source and (Poetry ≥ 2) environment markers.
///
/// Both lock generations are read: Poetry 1.x (`lock-version` 1.x and 2.0: `category`, hashes in `[metadata.files]`
/// or `files`) and Poetry 2.x (`lock-version` 2.1: per-package `groups` and `markers`). Dependency edges are not
/// needed: the lock is applied as constraints to a resolution of the project's own requirements (see
/// ``PoetryExport``).
public struct PoetryLock: Sendable, Hashable {
    /// One `[[package]]` entry.
    public struct Package: Sendable, Hashable {
        /// The name as locked.
        public var name: String
        /// The exact version.
        public var version: String
        /// `[package.source] type`: nil for the default index, `legacy` for another index, else `git`, `directory`,
        /// `file` or `url`.
        public var sourceType: String?
        /// `[package.source] url`.
        public var sourceURL: String?
        /// The environment marker under which the package is needed (Poetry ≥ 2 locks; several groups' markers are
        /// joined with `or`), or nil.
        public var marker: String?

        /// The PEP 503 normalised name.
        public var normalizedName: String { PoetryLock.normalize(name) }
    }

    /// The locked packages, in file order.
    public var packages: [Package]
    /// `[metadata] lock-version`, e.g. `1.1`, `2.0`, `2.1`.
    public var lockVersion: String?

    /// Parses the text of a `poetry.lock` (`path` is for messages).
    ///
    /// - Throws: ``BuildError`` naming the file and what is wrong.
    public init(parsing text: String, path: String) throws(BuildError) {
        let file: LockFile
        do {
            file = try TOMLDecoder().decode(LockFile.self, from: text)
        } catch let error as TOMLParseError {
            throw BuildError(
                .invalidSpec,
                "requirements: \(path):\(error.source.begin.line):\(error.source.begin.column) is not valid TOML "
                    + "(\(BuildPlan.oneLine(error.description))) — regenerate it with poetry lock")
        } catch {
            throw BuildError(
                .invalidSpec,
                "requirements: \(path) is not a poetry.lock Poetry wrote (\(BuildPlan.oneLine("\(error)"))) — "
                    + "regenerate it with poetry lock")
        }
        lockVersion = file.metadata?.lockVersion
        if let version = lockVersion, let major = version.split(separator: ".").first.flatMap({ Int($0) }),
            major > 2
        {
            throw BuildError(
                .invalidSpec,
                "requirements: \(path) has lock-version \(version), newer than this imagespec reads (1.x, 2.x) — "
                    + "lock with Poetry 1.x or 2.x")
        }
        packages = (file.package ?? []).map { entry in
            Package(
                name: entry.name, version: entry.version, sourceType: entry.source?.type,
                sourceURL: entry.source?.url, marker: entry.markers?.joined)
        }
    }

    /// Reads and parses the `poetry.lock` at `path`.
    public init(contentsOf path: String) throws(BuildError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BuildError(.invalidSpec, "requirements: cannot read \(path) — fix the path or its permissions")
        }
        try self.init(parsing: text, path: path)
    }

    /// PEP 503: lowercase, runs of `-`, `_` and `.` become one `-`.
    public static func normalize(_ name: String) -> String {
        var result = ""
        var separator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                separator = true
                continue
            }
            if separator && !result.isEmpty { result.append("-") }
            separator = false
            result.append(character)
        }
        return result
    }

    // MARK: - File format

    private struct LockFile: Decodable {
        var package: [LockedPackage]?
        var metadata: Metadata?
    }

    private struct Metadata: Decodable {
        var lockVersion: String?

        enum CodingKeys: String, CodingKey {
            case lockVersion = "lock-version"
        }
    }

    private struct LockedPackage: Decodable {
        var name: String
        var version: String
        var source: Source?
        var markers: Markers?
    }

    private struct Source: Decodable {
        var type: String?
        var url: String?
    }

    /// `markers = "…"` or, per group, `markers = { main = "…", dev = "…" }`.
    private enum Markers: Decodable {
        case all(String)
        case byGroup([String: String])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .all(text)
            } else {
                self = .byGroup(try container.decode([String: String].self))
            }
        }

        var joined: String {
            switch self {
            case .all(let text): return text
            case .byGroup(let groups):
                let markers = Set(groups.values)
                if markers.count == 1 { return markers.first! }
                return markers.sorted().map { "(\($0))" }.joined(separator: " or ")
            }
        }
    }
}
