import Foundation

/// Bearer tokens by registry and scope set, kept until shortly before they expire.
///
/// A token granted for a wider scope set also serves a narrower request on the same registry (a `pull,push` token
/// answers a later `pull`), so a push that starts with existence checks does not fetch two tokens.
struct TokenCache: Sendable {
    /// One cached token.
    struct Entry: Sendable {
        let token: String
        let scopes: Set<String>
        let expires: ContinuousClock.Instant
    }

    private var entries: [String: [Entry]] = [:]

    /// A still-valid token for `host` whose scopes include every one of `scopes`, if any.
    func token(host: String, scopes: Set<String>, now: ContinuousClock.Instant = .now) -> String? {
        entries[host]?.first { $0.expires > now && scopes.isSubset(of: $0.scopes) }?.token
    }

    /// Stores a token valid for `lifetime` (`expires_in`); it is dropped a little early to absorb clock drift.
    mutating func store(
        token: String, host: String, scopes: Set<String>, lifetime: Duration, now: ContinuousClock.Instant = .now
    ) {
        let margin = min(Duration.seconds(10), lifetime / 10)
        var list = (entries[host] ?? []).filter { $0.expires > now && $0.scopes != scopes }
        list.append(Entry(token: token, scopes: scopes, expires: now + lifetime - margin))
        entries[host] = list
    }

    /// Forgets `token` (the registry rejected it), so the next request fetches a fresh one.
    mutating func remove(token: String, host: String) {
        entries[host]?.removeAll { $0.token == token }
    }
}
