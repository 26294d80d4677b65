import Foundation
import TOMLKit

/// The requirements `poetry install --no-root` starts from, read from a Poetry project's `pyproject.toml`.
///
/// Like Poetry: the main dependencies (`[project] dependencies`, else `[tool.poetry.dependencies]` without `python`)
/// and every dependency group that is not marked `optional = true` (`[tool.poetry.group.<name>.dependencies]`, the
/// legacy `[tool.poetry.dev-dependencies]`, and PEP 735 `[dependency-groups]`); no extras of the project. Each
/// requirement becomes a PEP 508 line without a version (the lock decides the version) but with its extras and its
/// environment markers, including a `python = "…"` restriction turned into a `python_full_version` marker.
public struct PoetryProject: Sendable, Hashable {
    /// The requirement lines, in file order (main first, then groups by name).
    public var requirements: [String]
    /// The groups installed besides main, sorted.
    public var groups: [String]

    /// Parses the text of a `pyproject.toml` (`path` is for messages).
    ///
    /// - Throws: ``BuildError`` naming the file, the dependency and what is wrong.
    public init(parsing text: String, path: String) throws(BuildError) {
        let file: ProjectFile
        do {
            file = try TOMLDecoder().decode(ProjectFile.self, from: text)
        } catch let error as TOMLParseError {
            throw BuildError(
                .invalidSpec,
                "requirements: \(path):\(error.source.begin.line):\(error.source.begin.column) is not valid TOML "
                    + "(\(BuildPlan.oneLine(error.description))) — fix the syntax")
        } catch {
            throw BuildError(
                .invalidSpec,
                "requirements: \(path) has an unexpected Poetry layout (\(BuildPlan.oneLine("\(error)"))) — "
                    + "check it with poetry check")
        }
        var lines: [String] = []
        if let dependencies = file.project?.dependencies {
            lines += dependencies
        } else {
            for (name, specification) in file.tool?.poetry?.dependencies?.sorted(by: { $0.key < $1.key }) ?? []
            where name.lowercased() != "python" {
                lines += try Self.lines(name: name, specification: specification, path: path)
            }
        }
        var groupTables = file.tool?.poetry?.group ?? [:]
        if let legacy = file.tool?.poetry?.devDependencies {
            var dev = groupTables["dev"] ?? Group()
            dev.dependencies = (dev.dependencies ?? [:]).merging(legacy) { current, _ in current }
            groupTables["dev"] = dev
        }
        let standardGroups = file.dependencyGroups ?? [:]
        let names = Set(groupTables.keys).union(standardGroups.keys)
        var installed: [String] = []
        for group in names.sorted() where groupTables[group]?.optional != true {
            installed.append(group)
            for (name, specification) in (groupTables[group]?.dependencies ?? [:]).sorted(by: { $0.key < $1.key }) {
                lines += try Self.lines(name: name, specification: specification, path: path)
            }
            lines += try Self.standardGroup(group, in: standardGroups, path: path, seen: [])
        }
        requirements = lines
        groups = installed
    }

    /// Reads and parses the `pyproject.toml` at `path`.
    public init(contentsOf path: String) throws(BuildError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BuildError(.invalidSpec, "requirements: cannot read \(path) — fix the path or its permissions")
        }
        try self.init(parsing: text, path: path)
    }

    /// The requirement lines of one Poetry dependency (several for a list of constraints).
    static func lines(name: String, specification: Dependency, path: String) throws(BuildError) -> [String] {
        var result: [String] = []
        for item in specification.items {
            if item.optional == true { continue }  // only installed through one of the project's extras
            for key in ["git", "path", "url"] where item.directSource(key) != nil {
                throw BuildError(
                    .invalidSpec,
                    "requirements: \(path): dependency \(name) comes from a \(key) source, which imagespec build "
                        + "cannot install (wheels from package indexes only) — publish it to an index as a wheel")
            }
            var line = name
            if let extras = item.extras, !extras.isEmpty {
                line += "[" + extras.joined(separator: ",") + "]"
            }
            var markers: [String] = []
            if let marker = item.markers, !marker.isEmpty { markers.append(marker) }
            if let python = item.python {
                guard let marker = pythonMarker(python) else {
                    throw BuildError(
                        .invalidSpec,
                        "requirements: \(path): dependency \(name) has python = \"\(python)\", which imagespec "
                            + "cannot read — use a constraint like \">=3.10,<3.13\"")
                }
                if !marker.isEmpty { markers.append(marker) }
            }
            if !markers.isEmpty {
                line += " ; " + markers.map { markers.count > 1 ? "(\($0))" : $0 }.joined(separator: " and ")
            }
            result.append(line)
        }
        return result
    }

    /// The PEP 508 lines of a `[dependency-groups]` group, following `{include-group = "…"}`.
    static func standardGroup(
        _ name: String, in groups: [String: [GroupItem]], path: String, seen: Set<String>
    ) throws(BuildError) -> [String] {
        guard let items = groups[name] else { return [] }
        guard !seen.contains(name) else {
            throw BuildError(
                .invalidSpec, "requirements: \(path): [dependency-groups] \(name) includes itself — remove the cycle")
        }
        var lines: [String] = []
        for item in items {
            switch item {
            case .requirement(let line): lines.append(line)
            case .include(let other):
                lines += try standardGroup(other, in: groups, path: path, seen: seen.union([name]))
            }
        }
        return lines
    }

    /// A Poetry Python constraint (`^3.9`, `>=3.9,<3.13`, `~3.10`, `3.11.*`, `*`, `a || b`) as a
    /// `python_full_version` marker; `""` when it allows every version, nil when it cannot be read.
    public static func pythonMarker(_ constraint: String) -> String? {
        var alternatives: [String] = []
        for alternative in constraint.components(separatedBy: "||") {
            let atoms = alternative.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
            var parts: [String] = []
            var index = 0
            while index < atoms.count {
                var atom = atoms[index]
                // ">= 3.9" written with a space
                if ["<", "<=", ">", ">=", "==", "!=", "~=", "^", "~"].contains(atom), index + 1 < atoms.count {
                    atom += atoms[index + 1]
                    index += 1
                }
                index += 1
                guard let clause = pythonClause(atom) else { return nil }
                parts += clause
            }
            if parts.isEmpty { return "" }  // one alternative allows everything
            alternatives.append(parts.joined(separator: " and "))
        }
        if alternatives.count == 1 { return alternatives[0] }
        return alternatives.map { "(\($0))" }.joined(separator: " or ")
    }

    /// One constraint atom as marker comparisons (empty for `*`), nil when unreadable.
    static func pythonClause(_ atom: String) -> [String]? {
        func version(_ text: Substring) -> [Int]? {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.count <= 3 else { return nil }
            var numbers: [Int] = []
            for part in parts {
                guard let number = Int(part) else { return nil }
                numbers.append(number)
            }
            return numbers
        }
        func text(_ numbers: [Int]) -> String { numbers.map(String.init).joined(separator: ".") }
        func compare(_ operation: String, _ numbers: [Int]) -> String {
            "python_full_version \(operation) \"\(text(numbers))\""
        }
        if atom == "*" { return [] }
        for operation in ["<=", ">=", "==", "!=", "<", ">", "~=", "^", "~", "="] where atom.hasPrefix(operation) {
            var rest = Substring(atom.dropFirst(operation.count))
            if rest.hasSuffix(".*"), operation == "==" || operation == "!=" || operation == "=" {
                rest = rest.dropLast(2)
                guard let numbers = version(rest) else { return nil }
                let upper = Array(numbers.dropLast()) + [numbers.last! + 1]
                if operation == "!=" {
                    return ["(\(compare("<", numbers)) or \(compare(">=", upper)))"]
                }
                return [compare(">=", numbers), compare("<", upper)]
            }
            guard let numbers = version(rest) else { return nil }
            switch operation {
            case "^":
                let first = numbers.firstIndex { $0 != 0 } ?? (numbers.count - 1)
                let upper = Array(numbers.prefix(first)) + [numbers[first] + 1]
                return [compare(">=", numbers), compare("<", upper)]
            case "~", "~=":
                let keep = operation == "~" ? (numbers.count == 1 ? 1 : 2) : max(1, numbers.count - 1)
                var upper = Array(numbers.prefix(keep))
                upper[upper.count - 1] += 1
                return [compare(">=", numbers), compare("<", upper)]
            case "=":
                return [compare("==", numbers)]
            default:
                return [compare(operation, numbers)]
            }
        }
        if atom.hasSuffix(".*") {
            return pythonClause("==" + atom)
        }
        guard let numbers = version(Substring(atom)) else { return nil }
        return [compare("==", numbers)]
    }

    // MARK: - File format

    private struct ProjectFile: Decodable {
        var project: Project?
        var tool: Tool?
        var dependencyGroups: [String: [GroupItem]]?

        enum CodingKeys: String, CodingKey {
            case project, tool
            case dependencyGroups = "dependency-groups"
        }
    }

    private struct Project: Decodable {
        var dependencies: [String]?
    }

    private struct Tool: Decodable {
        var poetry: Poetry?
    }

    private struct Poetry: Decodable {
        var dependencies: [String: Dependency]?
        var devDependencies: [String: Dependency]?
        var group: [String: Group]?

        enum CodingKeys: String, CodingKey {
            case dependencies, group
            case devDependencies = "dev-dependencies"
        }
    }

    struct Group: Decodable {
        var optional: Bool?
        var dependencies: [String: Dependency]?
    }

    /// A `[dependency-groups]` entry: a PEP 508 string or `{include-group = "name"}`.
    enum GroupItem: Decodable {
        case requirement(String)
        case include(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .requirement(text)
            } else {
                let table = try container.decode([String: String].self)
                guard let name = table["include-group"] else {
                    throw DecodingError.dataCorruptedError(
                        in: container, debugDescription: "a dependency group entry must be a string or include-group")
                }
                self = .include(name)
            }
        }
    }

    /// A Poetry dependency: `"^1.2"`, a table, or a list of tables (one per environment).
    struct Dependency: Decodable {
        var items: [Item]

        struct Item: Decodable {
            var version: String?
            var extras: [String]?
            var markers: String?
            var python: String?
            var optional: Bool?
            var git: String?
            var path: String?
            var url: String?

            func directSource(_ key: String) -> String? {
                switch key {
                case "git": git
                case "path": path
                default: url
                }
            }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let version = try? container.decode(String.self) {
                items = [Item(version: version)]
            } else if let item = try? container.decode(Item.self) {
                items = [item]
            } else {
                items = try container.decode([Item].self)
            }
        }
    }
}
