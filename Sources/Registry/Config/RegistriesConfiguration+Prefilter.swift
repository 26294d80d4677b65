extension RegistriesConfiguration {
    /// Something in a registries.conf that is refused before TOMLKit sees the text.
    enum PrefilterProblem: Equatable {
        /// A table header (`[x]` or `[[x]]` at the start of a line) whose key does not start with a key character
        /// or a quote, e.g. `[[@registry]]` or `[[[x]]]`.
        case tableHeader
        /// A value that is not a string, a boolean, an array or an inline table: a number, a date or a time.
        case value
    }

    /// The line, column and character of the first table header or value that toml++ must not be given.
    ///
    /// toml++ 3.4 (inside TOMLKit 0.6) has assertions that malformed input can reach — a table header that does not
    /// start with a key, a malformed date-time such as `1979-05-27T'07:32:00Z` — so such text aborts the process
    /// (debug) or is undefined behaviour (release) instead of being a syntax error (Fuzz/FuzzRegistriesConf found
    /// them). containers-registries.conf(5) has no numbers, dates or times, so values of those kinds are refused here,
    /// together with the malformed headers, and toml++ never parses one. Only what decides where headers and values
    /// start is scanned: strings (basic, literal, multi-line), comments, `=`, `,` and the brackets of arrays and
    /// inline tables.
    static func prefilterProblem(in text: String) -> (
        problem: PrefilterProblem, line: Int, column: Int, character: Character
    )? {
        let characters = Array(text)
        var index = 0
        var line = 1
        var lineStart = 0
        var open: [Character] = []  // the `[` and `{` of the value being read
        var expectingValue = false  // after `=`, or at an element of an array
        func starts(_ token: String, at position: Int) -> Bool {
            let tokenCharacters = Array(token)
            return position + tokenCharacters.count <= characters.count
                && Array(characters[position..<(position + tokenCharacters.count)]) == tokenCharacters
        }
        func skipLine() {
            while index < characters.count, !characters[index].isNewline { index += 1 }
        }
        func skipBlanks(_ position: inout Int) {
            while position < characters.count, characters[position] == " " || characters[position] == "\t" {
                position += 1
            }
        }
        while index < characters.count {
            if index == lineStart, open.isEmpty, !expectingValue {
                var position = index
                skipBlanks(&position)
                if position < characters.count, characters[position] == "[" {
                    position += 1
                    if position < characters.count, characters[position] == "[" { position += 1 }
                    skipBlanks(&position)
                    if position < characters.count, !isKeyStart(characters[position]) {
                        return (.tableHeader, line, position - lineStart + 1, characters[position])
                    }
                    skipLine()
                    continue
                }
            }
            let character = characters[index]
            if character.isNewline {
                // A value may continue on the next line only inside an array; toml++ reports `a =` alone.
                if open.last != "[" { expectingValue = false }
                index += 1
                line += 1
                lineStart = index
            } else if character == " " || character == "\t" {
                index += 1
            } else if character == "#" {
                skipLine()
            } else if character == "\"" || character == "'" {
                expectingValue = false
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
            } else if character == "=" {
                expectingValue = true
                index += 1
            } else if character == "[" || character == "{" {
                open.append(character)
                expectingValue = character == "["
                index += 1
            } else if character == "]" || character == "}" {
                if !open.isEmpty { open.removeLast() }
                expectingValue = false
                index += 1
            } else if character == "," {
                expectingValue = open.last == "["
                index += 1
            } else {
                // A bare word. As a value only `true` and `false` are kept (toml++ checks their spelling).
                if expectingValue, character != "t", character != "f" {
                    return (.value, line, index - lineStart + 1, character)
                }
                expectingValue = false
                while index < characters.count, !characters[index].isNewline,
                    !" \t#=,[]{}\"'".contains(characters[index])
                {
                    index += 1
                }
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
