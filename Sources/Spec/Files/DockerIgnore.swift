/// flytekit's `DockerIgnore`: the patterns of `<source_root>/.dockerignore` matched with docker-py's
/// `PatternMatcher` (the last matching pattern wins; a pattern also matches a path when it matches the path's leading
/// directories; `!.dockerignore` is always appended, so the file itself is never ignored by it).
public struct DockerIgnore: Sendable {
    let patterns: [DockerPattern]

    /// A matcher for pattern lines as flytekit keeps them (already `strip()`ped, comments removed). Lines whose
    /// pattern is empty after normalisation (`""`, `"/"`, `"."`, `"!"`) are dropped, as docker-py does. Throws
    /// `invalidIgnoreFile` (naming `source`) for a pattern Python's `re` cannot compile, such as `[z-a]`.
    public init(patterns: [String], source: String = ".dockerignore") throws(SpecError) {
        var compiled = patterns.map { DockerPattern(PyPath.from($0)) }.filter { !$0.dirs.isEmpty }
        compiled.append(DockerPattern(PyPath.from("!.dockerignore")))
        if let bad = compiled.first(where: { $0.compileError != nil }) {
            let shown = PyPath.string(Array(bad.dirs.joined(separator: [PyPath.slash])))
            throw SpecError(
                .invalidIgnoreFile, path: source,
                message: "\(source): pattern \(PythonRepr.repr(shown)) is invalid (\(bad.compileError!)); "
                    + "fix or remove that line")
        }
        self.patterns = compiled
    }

    /// flytekit's `DockerIgnore._parse`: the lines of `.dockerignore` (universal newlines, UTF-8), dropping lines
    /// that start with `#` (before stripping) and stripping the rest with `str.strip()`.
    public init(fileContents: [UInt8], path: String) throws(SpecError) {
        guard let text = String(validating: fileContents, as: UTF8.self) else {
            throw SpecError(
                .invalidIgnoreFile, path: path,
                message: "\(path) is not valid UTF-8 (flytekit cannot read it either); save it as UTF-8")
        }
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                current.append("\n")
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { lines.append(String(current)) }
        let kept = lines.filter { !$0.unicodeScalars.isEmpty && $0.unicodeScalars.first != "#" }
        try self.init(patterns: kept.map(PythonUnicode.strip), source: path)
    }

    /// docker-py `PatternMatcher.matches(filepath)`.
    public func matches(_ path: String) -> Bool { matches(PyPath.from(path)) }

    func matches(_ path: PyStr) -> Bool {
        // `str.lower()` never carries context across `/` (not case-ignorable), so lowering each component once and
        // joining gives both the lowered path and every lowered parent prefix.
        let components = PyPath.split(path)
        let lowered = components.map { PythonUnicode.lower(codePoints: $0) }
        let loweredPath = Array(lowered.joined(separator: [PyPath.slash]))
        // docker-py: parent_path_dirs = split_path(os.path.dirname(filepath)).
        var parents: [PyStr] = []
        for index in 0..<(components.count - 1) where !components[index].isEmpty && components[index] != [PyPath.dot] {
            parents.append(lowered[index])
        }
        var matched = false
        var prefixes: [Int: PyStr] = [:]
        for pattern in patterns {
            var match = pattern.match(lowered: loweredPath)
            // `parent_path != ''` always holds when there is a parent directory part, and patterns are non-empty.
            if !match && pattern.dirs.count <= parents.count {
                let count = pattern.dirs.count
                if prefixes[count] == nil {
                    prefixes[count] = Array(parents[..<count].joined(separator: [PyPath.slash]))
                }
                match = pattern.match(lowered: prefixes[count]!)
            }
            if match { matched = !pattern.exclusion }
        }
        return matched
    }
}
