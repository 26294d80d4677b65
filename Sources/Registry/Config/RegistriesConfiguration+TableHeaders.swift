extension RegistriesConfiguration {
    /// The line, column and character of the first table header (`[x]` or `[[x]]` at the start of a line, outside
    /// strings and multi-line array values) whose key does not start with a key character or a quote, e.g.
    /// `[[@registry]]` or `[[[x]]]`.
    ///
    /// toml++ 3.4 (inside TOMLKit 0.6) asserts that a table header starts with a key, so such a header aborts the
    /// process (debug) or is undefined behaviour (release) instead of being a syntax error; it is found here first
    /// (Fuzz/FuzzRegistriesConf found both). Only what decides where table headers are is scanned: strings (basic,
    /// literal, multi-line), comments and the brackets of array values.
    static func badTableHeader(in text: String) -> (line: Int, column: Int, character: Character)? {
        let characters = Array(text)
        var index = 0
        var line = 1
        var lineStart = 0
        var depth = 0  // nesting of array values
        func starts(_ token: String, at position: Int) -> Bool {
            let tokenCharacters = Array(token)
            return position + tokenCharacters.count <= characters.count
                && Array(characters[position..<(position + tokenCharacters.count)]) == tokenCharacters
        }
        func skipLine() {
            while index < characters.count, !characters[index].isNewline { index += 1 }
        }
        while index < characters.count {
            if index == lineStart, depth == 0 {
                var position = index
                while position < characters.count, characters[position] == " " || characters[position] == "\t" {
                    position += 1
                }
                if position < characters.count, characters[position] == "[" {
                    position += 1
                    if position < characters.count, characters[position] == "[" { position += 1 }
                    while position < characters.count, characters[position] == " " || characters[position] == "\t" {
                        position += 1
                    }
                    if position < characters.count, !isKeyStart(characters[position]) {
                        return (line, position - lineStart + 1, characters[position])
                    }
                    skipLine()
                    continue
                }
            }
            let character = characters[index]
            if character.isNewline {
                index += 1
                line += 1
                lineStart = index
            } else if character == "#" {
                skipLine()
            } else if character == "\"" || character == "'" {
                let multiLine = String(repeating: character, count: 3)
                let terminator = starts(multiLine, at: index) ? multiLine : String(character)
                index += terminator.count
                while index < characters.count, !starts(terminator, at: index) {
                    if character == "\"", characters[index] == "\\" { index += 1 }
                    if index < characters.count, characters[index].isNewline {
                        if terminator.count == 1 { break }  // an unterminated string: toml++ reports it
                        line += 1
                        lineStart = index + 1
                    }
                    index += 1
                }
                if index < characters.count, !characters[index].isNewline { index += terminator.count }
            } else {
                if character == "[" { depth += 1 }
                if character == "]" { depth = max(0, depth - 1) }
                index += 1
            }
        }
        return nil
    }

    /// `'@'` for a visible character, `a line break`, or `U+0000`-style for other invisible ones (one line).
    static func describe(_ character: Character) -> String {
        if character.isNewline { return "a line break" }
        if let ascii = character.asciiValue, ascii > 0x20, ascii < 0x7F { return "'\(character)'" }
        if !character.isASCII, !character.isWhitespace, character.unicodeScalars.count == 1,
            character.unicodeScalars.first!.properties.generalCategory != .control
        {
            return "'\(character)'"
        }
        return character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }
            .joined(separator: " ")
    }

    /// Whether a table header's key may start with `character` (a bare key character, a quote, or the `]` of an
    /// empty header, which toml++ reports itself).
    private static func isKeyStart(_ character: Character) -> Bool {
        if character.isASCII && (character.isLetter || character.isNumber) { return true }
        return "_-\"']".contains(character)
    }
}
