/// A lenient RFC 7235 `WWW-Authenticate` parser:
///
/// ```
/// challenges  = challenge *( OWS "," OWS challenge )
/// challenge   = auth-scheme [ 1*SP ( token68 / auth-param *( OWS "," OWS auth-param ) ) ]
/// auth-param  = token BWS "=" BWS ( token / quoted-string )
/// ```
///
/// Quoted strings may hold commas and `\` escapes (`scope="repository:a/b:pull,push"`). A token followed by `=`
/// is a parameter; a token that is not is the scheme of the next challenge. Unquoted values are read up to the
/// next comma or space (some registries do not quote URLs). A token68 value is skipped (no registry scheme uses it).
struct AuthChallengeParser {
    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ header: String) {
        scalars = Array(header.unicodeScalars)
    }

    mutating func parseAll() -> [AuthChallenge] {
        var challenges: [AuthChallenge] = []
        while true {
            skip(where: { Self.isSpace($0) || $0 == "," })
            guard !atEnd else { break }
            guard let scheme = readToken() else {
                // Not a scheme: skip this list element.
                skip(where: { $0 != "," })
                continue
            }
            var parameters: [String: String] = [:]
            let hadSpace = skip(where: Self.isSpace) > 0
            if hadSpace, !skipToken68() {
                readParameters(into: &parameters)
            }
            challenges.append(AuthChallenge(scheme: AuthChallenge.Scheme(scheme), parameters: parameters))
        }
        return challenges
    }

    private mutating func readParameters(into parameters: inout [String: String]) {
        while true {
            skip(where: { Self.isSpace($0) || $0 == "," })
            guard !atEnd else { return }
            let nameStart = position
            guard let name = readToken() else {
                // Garbage inside the parameter list: drop it up to the next comma.
                skip(where: { $0 != "," })
                continue
            }
            skip(where: Self.isSpace)
            guard peek == "=" else {
                // A token without "=" starts the next challenge.
                position = nameStart
                return
            }
            position += 1
            skip(where: Self.isSpace)
            let value = peek == "\"" ? readQuotedString() : readUnquotedValue()
            let key = name.lowercased()
            if parameters[key] == nil {
                parameters[key] = value
            }
        }
    }

    /// Skips a token68 (`abc+/=`) if one stands alone before a comma or the end; returns whether it did.
    private mutating func skipToken68() -> Bool {
        var index = position
        while index < scalars.count, Self.isToken68(scalars[index]) { index += 1 }
        guard index > position else { return false }
        while index < scalars.count, scalars[index] == "=" { index += 1 }
        var end = index
        while end < scalars.count, Self.isSpace(scalars[end]) { end += 1 }
        guard end == scalars.count || scalars[end] == "," else { return false }
        position = end
        return true
    }

    private mutating func readToken() -> String? {
        let start = position
        while position < scalars.count, Self.isTokenCharacter(scalars[position]) { position += 1 }
        return position > start ? string(start..<position) : nil
    }

    private mutating func readQuotedString() -> String {
        position += 1  // opening quote
        var value = String.UnicodeScalarView()
        while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            if scalar == "\"" { return String(value) }
            if scalar == "\\", position < scalars.count {
                value.append(scalars[position])
                position += 1
            } else {
                value.append(scalar)
            }
        }
        return String(value)  // unterminated: take the rest
    }

    private mutating func readUnquotedValue() -> String {
        let start = position
        while position < scalars.count, scalars[position] != ",", !Self.isSpace(scalars[position]) { position += 1 }
        return string(start..<position)
    }

    @discardableResult
    private mutating func skip(where predicate: (Unicode.Scalar) -> Bool) -> Int {
        let start = position
        while position < scalars.count, predicate(scalars[position]) { position += 1 }
        return position - start
    }

    private var atEnd: Bool { position >= scalars.count }
    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private func string(_ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[range])
        return String(view)
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n"
    }

    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { return true }
        return "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
    }

    private static func isToken68(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) { return true }
        return "-._~+/".unicodeScalars.contains(scalar)
    }
}
