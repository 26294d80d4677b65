extension RegistriesConfiguration {
    /// Something in a registries.conf that is refused before TOMLKit sees the text.
    enum PrefilterProblem: Equatable {
        /// A table header (`[x]` or `[[x]]` at the start of a line) whose key does not start with a key character
        /// or a quote, e.g. `[[@registry]]` or `[[[x]]]`.
        case tableHeader
        /// A value that is not a string, a boolean, an array or an inline table: a number, a date or a time.
        case value
        /// A `]` or `}` that closes nothing, or not the innermost open bracket (`[ }`), or stands for a value.
        case bracket
    }

    /// The line, column and character of the first table header or value that toml++ must not be given.
    ///
    /// toml++ 3.4 (inside TOMLKit 0.6) has assertions that malformed input can reach — a table header that does not
    /// start with a key, a malformed date-time such as `1979-05-27T'07:32:00Z` — so such text aborts the process
    /// (debug) or is undefined behaviour (release) instead of being a syntax error (Fuzz/FuzzRegistriesConf found
    /// them). containers-registries.conf(5) has no numbers, dates or times, so values of those kinds are refused here,
    /// together with the malformed headers, and toml++ never parses one. Only what decides where headers and values
    /// start is scanned: strings (basic, literal, multi-line), comments, `=`, `,` and the brackets of arrays and
    /// inline tables. The scan is over Unicode scalars, as toml++ reads code points: as `Character`s, a `[` followed by
    /// combining marks would be one grapheme and hide the bracket (found by the fuzzer too).
    static func prefilterProblem(in text: String) -> (
        problem: PrefilterProblem, line: Int, column: Int, character: Character
    )? {
        let characters = Array(text.unicodeScalars)
        // toml++ skips a UTF-8 byte order mark at the very start, so the first line starts after it.
        var index = characters.first == "\u{FEFF}" ? 1 : 0
        var line = 1
        var lineStart = index
        var open: [Unicode.Scalar] = []  // the `[` and `{` of the value being read
        var expectingValue = false  // after `=`, or at an element of an array
        func starts(_ token: String, at position: Int) -> Bool {
            let tokenCharacters = Array(token.unicodeScalars)
            return position + tokenCharacters.count <= characters.count
                && Array(characters[position..<(position + tokenCharacters.count)]) == tokenCharacters
        }
        func skipLine() {
            while index < characters.count, characters[index] != "\n" { index += 1 }
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
                        return (.tableHeader, line, position - lineStart + 1, Character(characters[position]))
                    }
                    skipLine()
                    continue
                }
            }
            let character = characters[index]
            if character == "\n" {
                // A value may continue on the next line only inside an array; toml++ reports `a =` alone.
                if open.last != "[" { expectingValue = false }
                index += 1
                line += 1
                lineStart = index
            } else if character == " " || character == "\t" || character == "\r" {
                // A `\r` not followed by `\n` is toml++'s to report.
                index += 1
            } else if character == "#" {
                skipLine()
            } else if character == "\"" || character == "'" {
                expectingValue = false
                let multiLine = String(repeating: String(character), count: 3)
                let terminator = starts(multiLine, at: index) ? multiLine : String(character)
                index += terminator.count
                while index < characters.count, !starts(terminator, at: index) {
                    if character == "\"", characters[index] == "\\" { index += 1 }
                    if index < characters.count, characters[index] == "\n" {
                        if terminator.count == 1 { break }  // an unterminated string: toml++ reports it
                        line += 1
                        lineStart = index + 1
                    }
                    index += 1
                }
                if index < characters.count, characters[index] != "\n" { index += terminator.count }
            } else if character == "=" {
                expectingValue = true
                index += 1
            } else if character == "[" || character == "{" {
                open.append(character)
                expectingValue = character == "["
                index += 1
            } else if character == "]" || character == "}" {
                // Only the innermost open bracket may close here, and a `}` never stands where a value is due
                // (`a = }`, `[ }`); toml++ asserts on both instead of reporting them.
                let opener: Unicode.Scalar = character == "]" ? "[" : "{"
                if open.last != opener || (expectingValue && character == "}") {
                    return (.bracket, line, index - lineStart + 1, Character(character))
                }
                open.removeLast()
                expectingValue = false
                index += 1
            } else if character == "," {
                expectingValue = open.last == "["
                index += 1
            } else {
                // A bare word. As a value only `true` and `false` are kept (toml++ checks their spelling).
                if expectingValue, character != "t", character != "f" {
                    return (.value, line, index - lineStart + 1, Character(character))
                }
                expectingValue = false
                while index < characters.count, characters[index] != "\n",
                    !" \t\r#=,[]{}\"'".unicodeScalars.contains(characters[index])
                {
                    index += 1
                }
            }
        }
        return nil
    }

    /// `'@'` for a visible character, `a line break`, or `U+0000`-style for invisible ones and lone combining marks.
    static func describe(_ character: Character) -> String {
        if character.isNewline { return "a line break" }
        if let ascii = character.asciiValue, ascii > 0x20, ascii < 0x7F { return "'\(character)'" }
        if !character.isASCII, !character.isWhitespace, character.unicodeScalars.count == 1,
            ![.control, .nonspacingMark, .spacingMark, .enclosingMark, .format].contains(
                character.unicodeScalars.first!.properties.generalCategory)
        {
            return "'\(character)'"
        }
        return character.unicodeScalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }
            .joined(separator: " ")
    }

    /// Whether a table header's key may start with `character` (a bare key character, a quote, or the `]` of an
    /// empty header, which toml++ reports itself).
    private static func isKeyStart(_ character: Unicode.Scalar) -> Bool {
        if character.isASCII && (character.properties.isAlphabetic || ("0"..."9").contains(character)) { return true }
        return "_-\"']".unicodeScalars.contains(character)
    }
}
