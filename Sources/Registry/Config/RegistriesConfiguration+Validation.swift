extension RegistriesConfiguration {
    /// Checks one decoded `[[registry]]` table and normalises it into a rule.
    static func validate(
        _ entry: RegistriesConfigurationFile.Registry, number: Int, path: String
    ) throws(RegistryError) -> RegistryRule {
        let table = "[[registry]] #\(number)"
        func fail(_ problem: String, _ fix: String) -> RegistryError {
            .configuration(file: path, problem: "\(table): \(problem)", fix: fix)
        }

        let location = try entry.location.map { (value) throws(RegistryError) in
            try normalise(value, field: "location", table: table, path: path)
        }.flatMap { $0.isEmpty ? nil : $0 }
        let prefix = try entry.prefix.map { (value) throws(RegistryError) in
            try normalise(value, field: "prefix", table: table, path: path)
        }.flatMap { $0.isEmpty ? nil : $0 }

        guard let effectivePrefix = prefix ?? location else {
            throw fail("has neither prefix nor location", "set prefix = \"host[/namespace]\" (and location)")
        }
        let isWildcard = effectivePrefix.hasPrefix("*.")
        if isWildcard {
            let domain = effectivePrefix.dropFirst(2)
            if domain.isEmpty || domain.contains("/") || domain.contains("*") || domain.contains(":") {
                throw fail(
                    "wildcard prefix \"\(effectivePrefix)\" must be *.domain, with no port or path",
                    "write e.g. prefix = \"*.example.com\"")
            }
            if location != nil {
                throw fail(
                    "a wildcard prefix (\"\(effectivePrefix)\") cannot have a location",
                    "remove location, or use a prefix without *")
            }
        } else if effectivePrefix.contains("*") {
            throw fail(
                "prefix \"\(effectivePrefix)\" has a * that is not a leading *. wildcard",
                "use host[/namespace] or *.domain")
        }
        if !isWildcard {
            try rejectTagOrDigest(
                effectivePrefix, field: prefix == nil ? "location" : "prefix", table: table,
                path: path)
        }
        if let location {
            try rejectTagOrDigest(location, field: "location", table: table, path: path)
        }

        var mirrors: [RegistryRule.Mirror] = []
        for (offset, mirror) in (entry.mirror ?? []).enumerated() {
            let mirrorTable = "\(table) mirror #\(offset + 1)"
            guard
                let mirrorLocation = try mirror.location.map({ (value) throws(RegistryError) in
                    try normalise(value, field: "location", table: mirrorTable, path: path)
                }), !mirrorLocation.isEmpty
            else {
                throw fail("mirror #\(offset + 1) has no location", "set location = \"host[/path]\"")
            }
            try rejectTagOrDigest(mirrorLocation, field: "location", table: mirrorTable, path: path)
            let pullFrom: RegistryRule.PullFrom
            if let text = mirror.pullFromMirror, !text.isEmpty {
                guard let parsed = RegistryRule.PullFrom(rawValue: text.lowercased()) else {
                    throw fail(
                        "mirror #\(offset + 1) has pull-from-mirror = \"\(text)\"",
                        "use \"all\", \"digest-only\" or \"tag-only\"")
                }
                pullFrom = parsed
            } else {
                pullFrom = .all
            }
            mirrors.append(.init(location: mirrorLocation, insecure: mirror.insecure ?? false, pullFrom: pullFrom))
        }

        return RegistryRule(
            number: number, prefix: effectivePrefix, isWildcard: isWildcard, location: location,
            insecure: entry.insecure ?? false, blocked: entry.blocked ?? false,
            mirrorByDigestOnly: entry.mirrorByDigestOnly ?? false, mirrors: mirrors)
    }

    /// Trims spaces and trailing slashes, lowercases the host part, and rejects URL schemes.
    private static func normalise(
        _ value: String, field: String, table: String, path: String
    ) throws(RegistryError) -> String {
        var text = value.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("/") { text.removeLast() }
        let lowered = text.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") {
            throw .configuration(
                file: path, problem: "\(table): \(field) \"\(value)\" has a URL scheme",
                fix: "write host[:port][/path] without http:// or https:// (use insecure = true for plain HTTP)")
        }
        guard let slash = text.firstIndex(of: "/") else { return text.lowercased() }
        return text[..<slash].lowercased() + text[slash...]
    }

    /// Tag and digest prefixes (`host/repo:tag`, `host/repo@sha256:…`) are not supported.
    private static func rejectTagOrDigest(
        _ value: String, field: String, table: String, path: String
    ) throws(RegistryError) {
        guard let slash = value.firstIndex(of: "/") else { return }
        let repositoryPart = value[slash...]
        if repositoryPart.contains(":") || repositoryPart.contains("@") {
            throw .configuration(
                file: path, problem: "\(table): \(field) \"\(value)\" names a tag or digest",
                fix: "use host[:port][/namespace[/repository]] (tag and digest prefixes are not supported)")
        }
    }
}
