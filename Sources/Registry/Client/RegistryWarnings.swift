import Logging
import Synchronization

/// Shows registries' `Warning: 299 - "…"` headers to people — logged at warning level, once per client for each
/// distinct text, at most ``byteLimit`` bytes of text per response, on one line with secrets masked. Nothing
/// else ever depends on a warning (RFC 7234 and the OCI distribution specification forbid acting on them).
final class RegistryWarnings: Sendable {
    /// The most warning text logged for one response (the distribution specification's limit for registries).
    static let byteLimit = 4096
    /// How many distinct warnings are remembered for de-duplication; later new ones go to the debug log only.
    static let rememberedLimit = 256

    private let seen = Mutex<Set<String>>([])

    /// Logs the `299` warnings among `values` (the response's `Warning` headers) of the response to `url`.
    ///
    /// - Returns: the texts logged (for tests).
    @discardableResult
    func report(_ values: [String], url: String, logger: Logger) -> [String] {
        guard !values.isEmpty else { return [] }
        let host = RegistryError.host(ofURL: url) ?? "the registry"
        var budget = Self.byteLimit
        var logged: [String] = []
        for warning in values.flatMap(RegistryWarning.parse) where warning.code == 299 && budget > 0 {
            let text = Self.truncated(Self.clean(warning.text), to: budget)
            guard !text.isEmpty else { continue }
            budget -= text.utf8.count
            let isNew = seen.withLock { seen -> Bool? in
                if seen.contains(text) { return false }
                guard seen.count < Self.rememberedLimit else { return nil }
                seen.insert(text)
                return true
            }
            switch isNew {
            case true?:
                logger.warning("registry \(host) warns: \(text)")
                logged.append(text)
            case false?:
                continue
            case nil:
                logger.debug("registry \(host) warns: \(text)")
            }
        }
        return logged
    }

    /// One line, control characters removed, known secrets and URL credentials masked.
    static func clean(_ text: String) -> String {
        var printable = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            printable.append(scalar.properties.generalCategory == .control ? " " : scalar)
        }
        return Redaction.oneLine(Redaction.text(String(printable)))
    }

    /// `text` cut to at most `limit` UTF-8 bytes, on a character boundary.
    static func truncated(_ text: String, to limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            guard used + size <= limit else { break }
            result.append(character)
            used += size
        }
        return result
    }
}
