import OCI

extension RegistriesConfiguration {
    /// Where `reference` lives: the longest-prefix `[[registry]]` table applied to `registry/repository`.
    ///
    /// - Without a matching table: the reference's own registry (`registry-1.docker.io` for Docker Hub).
    /// - `location` replaces the matched prefix; mirrors are tried first for pulls.
    ///
    /// - Throws: ``RegistryError`` of kind `blocked` when the table says `blocked = true`, or of kind
    ///   `configuration` when rewriting gives an invalid repository name.
    public func resolve(_ reference: Reference) throws(RegistryError) -> ResolvedRepository {
        let name = reference.name
        guard let rule = bestRule(name: name, host: reference.registry) else {
            let primary = RegistryEndpoint(
                host: reference.apiHost, repository: reference.repository,
                insecure: isInsecureHost(reference.apiHost) || isInsecureHost(reference.registry))
            return ResolvedRepository(reference: reference, primary: primary, pullSources: [primary])
        }
        if rule.blocked {
            throw RegistryError(
                kind: .blocked,
                message: "\(reference) is blocked by \(rule.label) in \(path ?? "registries.conf") — remove "
                    + "`blocked = true` there, or use another registry",
                isTemporary: false)
        }
        let matched = rule.isWildcard ? reference.registry : rule.prefix
        let remainder = String(name.dropFirst(matched.count))  // "" or "/…"
        let primary = try endpoint(
            location: rule.location ?? matched, remainder: remainder, insecure: rule.insecure, rule: rule,
            reference: reference)
        var sources: [RegistryEndpoint] = []
        let byDigest = reference.digest != nil
        for mirror in rule.mirrors {
            if rule.mirrorByDigestOnly && !byDigest { continue }
            switch mirror.pullFrom {
            case .all: break
            case .digestOnly where !byDigest: continue
            case .tagOnly where byDigest: continue
            default: break
            }
            sources.append(
                try endpoint(
                    location: mirror.location, remainder: remainder, insecure: mirror.insecure, rule: rule,
                    reference: reference))
        }
        sources.append(primary)
        return ResolvedRepository(
            reference: reference, primary: primary, pullSources: sources, matchedPrefix: rule.prefix)
    }

    /// The endpoint for the registry `host` itself (e.g. for `/v2/` pings), with `insecure` from the table whose
    /// prefix is that host, if any.
    public func endpoint(forHost host: String) -> RegistryEndpoint {
        let lowered = host.lowercased()
        let rule = rules.filter { $0.prefix == lowered || $0.location == lowered }.last
        let apiHost = lowered == "docker.io" || lowered == "index.docker.io" ? "registry-1.docker.io" : lowered
        let insecure = (rule?.insecure ?? false) || isInsecureHost(lowered) || isInsecureHost(apiHost)
        return RegistryEndpoint(host: apiHost, repository: "", insecure: insecure)
    }

    private func isInsecureHost(_ host: String) -> Bool {
        insecureHosts.contains(host.lowercased())
    }

    /// The matching rule with the longest prefix; on a tie a plain prefix beats a wildcard, then file order.
    func bestRule(name: String, host: String) -> RegistryRule? {
        var best: (rule: RegistryRule, length: Int)?
        for rule in rules {
            guard let length = rule.matchLength(name: name, host: host) else { continue }
            if let current = best {
                let longer = length > current.length
                let tieBreak = length == current.length && current.rule.isWildcard && !rule.isWildcard
                if longer || tieBreak { best = (rule, length) }
            } else {
                best = (rule, length)
            }
        }
        return best?.rule
    }

    private func endpoint(
        location: String, remainder: String, insecure: Bool, rule: RegistryRule, reference: Reference
    ) throws(RegistryError) -> RegistryEndpoint {
        let rewritten = location + remainder
        let host = String(rewritten.prefix { $0 != "/" })
        let repository = String(rewritten.dropFirst(host.count + 1))
        let parsed: Reference
        do {
            parsed = try Reference(registry: host, repository: repository)
        } catch {
            throw .configuration(
                "\(path ?? "registries.conf"): \(rule.label) rewrites \(reference.name) to \"\(rewritten)\", which "
                    + "is not a valid repository (\(error.description)) — fix its location")
        }
        let isInsecure = insecure || isInsecureHost(parsed.apiHost) || isInsecureHost(parsed.registry)
        return RegistryEndpoint(host: parsed.apiHost, repository: parsed.repository, insecure: isInsecure)
    }
}
