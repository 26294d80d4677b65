/// One `Warning` header entry (RFC 7234 §5.5): `299 - "text"`. The OCI distribution specification lets registries
/// send `299` warnings meant for people (deprecations, expiring credentials); clients show them and never act on
/// them.
struct RegistryWarning: Sendable, Equatable {
    /// The three-digit warn-code (registries use `299`, "miscellaneous persistent warning").
    let code: Int
    /// The warn-agent (`-` for registries).
    let agent: String
    /// The unquoted warn-text.
    let text: String

    /// Every well-formed warning in one `Warning` header value, in order. Several may be separated by commas; a
    /// warn-date after the text is skipped. Parsing stops at the first malformed entry.
    static func parse(_ value: String) -> [RegistryWarning] {
        var scanner = Scanner(Substring(value))
        var result: [RegistryWarning] = []
        while true {
            scanner.skip { $0 == " " || $0 == "\t" || $0 == "," }
            guard !scanner.isAtEnd else { return result }
            let digits = scanner.take { $0.isASCII && $0.isNumber }
            guard digits.count == 3, let code = Int(digits), scanner.skip({ $0 == " " }) > 0 else { return result }
            let agent = scanner.take { $0 != " " && $0 != "\"" }
            guard !agent.isEmpty, scanner.skip({ $0 == " " }) > 0, let text = scanner.quotedString() else {
                return result
            }
            result.append(RegistryWarning(code: code, agent: String(agent), text: text))
            scanner.skip { $0 == " " }
            if scanner.peek == "\"" {
                guard scanner.quotedString() != nil else { return result }  // warn-date
            }
            scanner.skip { $0 == " " || $0 == "\t" }
            guard scanner.isAtEnd || scanner.peek == "," else { return result }
        }
    }

    /// A cursor over a header value.
    private struct Scanner {
        var rest: Substring

        init(_ text: Substring) { rest = text }

        var isAtEnd: Bool { rest.isEmpty }
        var peek: Character? { rest.first }

        /// Drops leading characters matching `predicate`; returns how many.
        @discardableResult
        mutating func skip(_ predicate: (Character) -> Bool) -> Int {
            let count = rest.prefix(while: predicate).count
            rest = rest.dropFirst(count)
            return count
        }

        /// Takes the leading characters matching `predicate`.
        mutating func take(_ predicate: (Character) -> Bool) -> Substring {
            let taken = rest.prefix(while: predicate)
            rest = rest.dropFirst(taken.count)
            return taken
        }

        /// A `"…"` quoted-string with `\` escapes, unquoted; nil (and nothing consumed) when unterminated.
        mutating func quotedString() -> String? {
            guard rest.first == "\"" else { return nil }
            var text = ""
            var index = rest.index(after: rest.startIndex)
            while index < rest.endIndex {
                let character = rest[index]
                if character == "\"" {
                    rest = rest[rest.index(after: index)...]
                    return text
                }
                if character == "\\" {
                    index = rest.index(after: index)
                    guard index < rest.endIndex else { return nil }
                }
                text.append(rest[index])
                index = rest.index(after: index)
            }
            return nil
        }
    }
}
