extension RegistriesConfiguration {
    /// The line, column and character of the first table header (`[x]` or `[[x]]` at the start of a line, outside
    /// multi-line strings) whose key starts with a character no TOML key or value can start with, e.g. `[[@registry]]`.
    ///
    /// toml++ 3.4 (inside TOMLKit 0.6) asserts that a table header starts with a key character, so such a header
    /// aborts the process (debug) or is undefined behaviour (release) instead of being a syntax error; it is found
    /// here first (Fuzz/FuzzRegistriesConf found it). Characters that could start a nested array's element (`{`, `[`,
    /// `+`, `.`, `#` …) are not reported, so a multi-line array value is never mistaken for a bad header.
    static func badTableHeader(in text: String) -> (line: Int, column: Int, character: Character)? {
        var multiLineDelimiter: String?
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if let delimiter = multiLineDelimiter {
                if line.components(separatedBy: delimiter).count % 2 == 0 { multiLineDelimiter = nil }
                continue
            }
            for delimiter in ["\"\"\"", "'''"] where line.components(separatedBy: delimiter).count % 2 == 0 {
                multiLineDelimiter = delimiter
            }
            let body = line.drop { $0 == " " || $0 == "\t" }
            guard body.first == "[" else { continue }
            var rest = body.dropFirst()
            if rest.first == "[" { rest = rest.dropFirst() }
            rest = rest.drop { $0 == " " || $0 == "\t" }
            guard let first = rest.first, !Self.canStartKeyOrValue(first) else { continue }
            return (index + 1, line.distance(from: line.startIndex, to: rest.startIndex) + 1, first)
        }
        return nil
    }

    private static func canStartKeyOrValue(_ character: Character) -> Bool {
        if character.isASCII && (character.isLetter || character.isNumber) { return true }
        return "_-\"'][{+.#".contains(character)
    }
}
