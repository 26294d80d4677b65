/// Splits a command-line fragment into words like a POSIX shell (single and double quotes, backslash escapes), with
/// no expansion of any kind.
enum ShellWords {
    /// The words of `text`; `what` names the source in the error for an unterminated quote.
    static func split(_ text: String, what: String) throws(BuildError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == open {
                    quote = nil
                } else if character == "\\" && open == "\"" {
                    escaped = true
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                inWord = true
            case "\\":
                escaped = true
                inWord = true
            case " ", "\t", "\n":
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
            default:
                current.append(character)
                inWord = true
            }
        }
        if quote != nil || escaped {
            throw BuildError(.invalidSpec, "\(what): unterminated quote or trailing backslash in \"\(text)\"")
        }
        if inWord { words.append(current) }
        return words
    }
}
