import Foundation
import Synchronization

/// Removes secrets from text before it is shown to a person: user-info and secret-looking query parameters in URLs,
/// `Authorization` header values, and every secret string the process has registered (passwords and tokens loaded
/// from credential stores).
///
/// Every ``RegistryError`` passes its URL and message through here, so code that builds errors does not need to.
public enum Redaction {
    /// What a removed secret is replaced with.
    public static let mask = "***"

    /// Secrets shorter than this are not registered: replacing one- to three-character strings everywhere would
    /// mangle messages without protecting anything meaningful.
    public static let minimumSecretLength = 4

    /// Query parameter names (lowercased) whose values are secrets: signed-URL signatures, tokens, and the
    /// `_state` of distribution upload sessions (it can embed signed data).
    private static let secretQueryNames: Set<String> = [
        "token", "access_token", "refresh_token", "id_token", "identity_token", "registry_token",
        "password", "passwd", "pass", "secret", "client_secret", "sig", "signature", "_state",
        "key", "apikey", "api_key", "code", "credential", "jwt", "assertion", "auth",
    ]

    /// Query parameter name prefixes (lowercased) whose values are secrets: AWS and Google signed URLs.
    private static let secretQueryPrefixes = ["x-amz-", "x-goog-"]

    private static let registered = Mutex<Set<String>>([])

    /// Remembers `secret` so that ``text(_:secrets:)`` replaces it everywhere from now on, for the life of the
    /// process. Strings shorter than ``minimumSecretLength`` are ignored.
    public static func register(_ secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= minimumSecretLength else { return }
        _ = registered.withLock { $0.insert(trimmed) }
    }

    /// Forgets every registered secret. Only for harnesses that register many unrelated credentials in one process
    /// (the `docker-config` fuzz target): a real process keeps its secrets registered for its whole life.
    @_spi(Testing) public static func unregisterAll() {
        registered.withLock { $0.removeAll() }
    }

    /// Registers every secret part of `credential`: the password and its base64 `user:password` form, or the token.
    public static func register(_ credential: Credential) {
        switch credential {
        case .basic(let username, let password):
            register(password)
            register(Data("\(username):\(password)".utf8).base64EncodedString())
        case .identityToken(let token), .registryToken(let token):
            register(token)
        }
    }

    /// True when a query parameter called `name` carries a secret (case-insensitive, percent-decoded).
    public static func isSecretQueryParameter(_ name: String) -> Bool {
        let lowered = (name.removingPercentEncoding ?? name).lowercased()
        return secretQueryNames.contains(lowered) || secretQueryPrefixes.contains { lowered.hasPrefix($0) }
    }

    /// `url` without user-info (`https://user:pass@host/` → `https://host/`) and with the values of secret query
    /// parameters replaced by ``mask`` (`?_state=abc&digest=sha256:…` → `?_state=***&digest=sha256:…`).
    ///
    /// Works on plain strings, so a malformed URL is still cleaned as far as it can be; it never fails.
    public static func url(_ url: String) -> String {
        var result = url
        if let schemeEnd = result.range(of: "://") {
            let authorityStart = schemeEnd.upperBound
            let authorityEnd = result[authorityStart...].firstIndex { "/?#".contains($0) } ?? result.endIndex
            if let at = result[authorityStart..<authorityEnd].lastIndex(of: "@") {
                result.removeSubrange(authorityStart...at)
            }
        }
        guard let questionMark = result.firstIndex(of: "?") else { return result }
        let queryStart = result.index(after: questionMark)
        let queryEnd = result[queryStart...].firstIndex(of: "#") ?? result.endIndex
        let pairs = result[queryStart..<queryEnd].split(separator: "&", omittingEmptySubsequences: false)
        let cleaned = pairs.map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = String(pair[..<equals])
            return isSecretQueryParameter(name) ? "\(name)=\(mask)" : String(pair)
        }
        result.replaceSubrange(queryStart..<queryEnd, with: cleaned.joined(separator: "&"))
        return result
    }

    /// `text` with every URL in it cleaned by ``url(_:)``, `Basic …` / `Bearer …` credentials masked, and every
    /// registered secret and every string in `secrets` replaced by ``mask``.
    public static func text(_ text: String, secrets: [String] = []) -> String {
        var result = maskURLs(in: text)
        result = maskAuthorizationValues(in: result)
        let known = registered.withLock { $0 }.union(
            secrets.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty })
        // Longest first, so a secret that contains another one is removed whole.
        for secret in known.sorted(by: { $0.count > $1.count }) where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: mask)
        }
        return result
    }

    /// Collapses `text` to one line: line breaks and runs of whitespace become one space.
    public static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }

    private static func maskURLs(in text: String) -> String {
        guard text.contains("://") else { return text }
        var output = ""
        var rest = Substring(text)
        while let start = nextURLStart(in: rest) {
            output += rest[..<start]
            let end = rest[start...].firstIndex { $0.isWhitespace || "\"'<>`".contains($0) } ?? rest.endIndex
            output += url(String(rest[start..<end]))
            rest = rest[end...]
        }
        output += rest
        return output
    }

    private static func nextURLStart(in text: Substring) -> Substring.Index? {
        let http = text.range(of: "http://", options: .caseInsensitive)?.lowerBound
        let https = text.range(of: "https://", options: .caseInsensitive)?.lowerBound
        switch (http, https) {
        case (let a?, let b?): return min(a, b)
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (nil, nil): return nil
        }
    }

    private static func maskAuthorizationValues(in text: String) -> String {
        var result = text
        for scheme in ["Basic ", "Bearer "] {
            var searchStart = result.startIndex
            while let found = result.range(of: scheme, options: .caseInsensitive, range: searchStart..<result.endIndex)
            {
                // Only a credential when the scheme word starts a word and is followed by a token68-looking value.
                let startsWord =
                    found.lowerBound == result.startIndex
                    || !result[result.index(before: found.lowerBound)].isLetter
                let valueEnd = result[found.upperBound...].firstIndex { !isToken68($0) } ?? result.endIndex
                let value = result[found.upperBound..<valueEnd]
                // Plain words ("Basic authentication") are not credentials: a credential has a digit, a symbol or
                // an upper-case letter after its first character (base64, JWTs).
                let looksLikeCredential =
                    value.count >= 8
                    && (value.contains { $0.isNumber || "-._~+/=".contains($0) }
                        || value.dropFirst().contains { $0.isUppercase })
                if startsWord, looksLikeCredential {
                    result.replaceSubrange(found.upperBound..<valueEnd, with: mask)
                    searchStart = result.index(found.upperBound, offsetBy: mask.count)
                } else {
                    searchStart = found.upperBound
                }
            }
        }
        return result
    }

    private static func isToken68(_ character: Character) -> Bool {
        guard character.isASCII else { return false }
        return character.isLetter || character.isNumber || "-._~+/=".contains(character)
    }
}
