import Foundation
import Support

/// A hand-written scanner for the distribution reference grammar:
///
/// ```
/// reference        := name [ ":" tag ] [ "@" digest ]
/// name             := [ domain "/" ] path-component ( "/" path-component )*
/// domain           := host [ ":" port ]          host := domain-name | "[" IPv6 "]"
/// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
/// path-component   := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
/// tag              := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
/// ```
///
/// plus a 255-character limit on the name (domain and path, without tag and digest), both as written and as normalised
/// (`docker.io/library/…`), as Docker's `ParseNormalizedNamed` does: so the normal form of every accepted reference
/// parses again.
enum ReferenceParser {
    /// Why a string is not a valid reference; the caller prefixes it with the reference.
    struct Problem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Longest allowed name (`domain/path`) as written.
    static let maximumNameLength = 255
    /// Longest allowed tag.
    static let maximumTagLength = 128
    /// Registry host names that all mean Docker Hub.
    static let dockerHubAliases: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    static func parse(_ string: String) throws(Problem) -> Reference {
        if string.isEmpty { throw Problem("reference is empty") }
        if let scheme = string.range(of: "://") {
            throw Problem("remove the URL scheme \(String(string[..<scheme.upperBound]).quotedForMessage)")
        }
        if let space = string.unicodeScalars.first(where: { $0.properties.isWhitespace }) {
            throw Problem("contains whitespace \(String(space).quotedForMessage)")
        }

        // name[:tag][@digest]
        var remainder = Substring(string)
        var digest: Digest?
        if let at = remainder.firstIndex(of: "@") {
            let digestText = String(remainder[remainder.index(after: at)...])
            remainder = remainder[..<at]
            if digestText.isEmpty { throw Problem("digest after \"@\" is empty") }
            switch Digest.parse(digestText) {
            case .success(let parsed): digest = parsed
            case .failure(let problem): throw Problem("digest \(digestText.quotedForMessage): \(problem.reason)")
            }
        }
        var tag: String?
        if let colon = remainder.lastIndex(of: ":"), remainder[colon...].firstIndex(of: "/") == nil {
            let tagText = String(remainder[remainder.index(after: colon)...])
            remainder = remainder[..<colon]
            if let reason = tagProblem(tagText) { throw Problem(reason) }
            tag = tagText
        }
        let name = remainder
        if name.isEmpty { throw Problem("repository name is empty") }
        if name.count > maximumNameLength {
            throw Problem("name longer than \(maximumNameLength) characters (\(name.count))")
        }

        // [domain/]path
        var domain: Substring?
        var path = name
        if let slash = name.firstIndex(of: "/") {
            let first = name[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" {
                domain = first
                path = name[name.index(after: slash)...]
            }
        }
        var registry = "docker.io"
        if let domain {
            try checkDomain(domain)
            registry = domain.lowercased()
            if dockerHubAliases.contains(registry) { registry = "docker.io" }
        }
        if path.isEmpty { throw Problem("repository path is empty") }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            try checkPathComponent(component)
        }
        if domain == nil, path.utf8.count == 64, path.utf8.allSatisfy(\.isLowercaseHexDigit) {
            throw Problem("a 64-character hex string is an image ID, not a repository name")
        }
        var repository = String(path)
        if registry == "docker.io", !repository.contains("/") {
            repository = "library/" + repository
        }
        let normalisedLength = registry.utf8.count + 1 + repository.utf8.count
        if normalisedLength > maximumNameLength {
            throw Problem(
                "name longer than \(maximumNameLength) characters once normalised to \(registry)/… "
                    + "(\(normalisedLength))")
        }
        if tag == nil, digest == nil { tag = "latest" }
        return Reference(validatedRegistry: registry, repository: repository, tag: tag, digest: digest)
    }

    /// Why `tag` is not a valid tag, or nil if it is.
    static func tagProblem(_ tag: String) -> String? {
        if tag.isEmpty { return "tag after \":\" is empty" }
        let scalars = Array(tag.unicodeScalars)
        if scalars.count > maximumTagLength {
            return "tag longer than \(maximumTagLength) characters (\(scalars.count))"
        }
        if !scalars[0].isWordCharacter {
            return "tag \(tag.quotedForMessage) must start with a letter, digit or \"_\""
        }
        if let bad = scalars.first(where: { !($0.isWordCharacter || $0 == "." || $0 == "-") }) {
            return "tag \(tag.quotedForMessage) has invalid character \(String(bad).quotedForMessage) "
                + "(allowed: letters, digits, \"_\", \".\", \"-\")"
        }
        return nil
    }

    /// Validates `host[:port]` where host is a DNS name, an IPv4 address or `[IPv6]`.
    static func checkDomain(_ domain: Substring) throws(Problem) {
        var host = domain
        var port: Substring?
        if domain.hasPrefix("[") {
            guard let close = domain.firstIndex(of: "]") else {
                throw Problem("registry \(domain.quotedForMessage): IPv6 address is missing \"]\"")
            }
            let address = domain[domain.index(after: domain.startIndex)..<close]
            let isIPv6Character: (Unicode.Scalar) -> Bool = { $0.isHexDigit || $0 == ":" || $0 == "." }
            if address.isEmpty || !address.contains(":") || !address.unicodeScalars.allSatisfy(isIPv6Character) {
                throw Problem("registry \(domain.quotedForMessage): \(address.quotedForMessage) is not an IPv6 address")
            }
            host = domain[...close]
            let afterHost = domain[domain.index(after: close)...]
            if !afterHost.isEmpty {
                guard afterHost.hasPrefix(":") else {
                    throw Problem("registry \(domain.quotedForMessage): expected \":port\" after \"]\"")
                }
                port = afterHost.dropFirst()
            }
        } else {
            if let colon = domain.firstIndex(of: ":") {
                host = domain[..<colon]
                port = domain[domain.index(after: colon)...]
            }
            if host.isEmpty { throw Problem("registry \(domain.quotedForMessage): host name is empty") }
            for label in host.split(separator: ".", omittingEmptySubsequences: false) {
                if label.isEmpty {
                    throw Problem("registry \(domain.quotedForMessage): empty label in host name")
                }
                let scalars = Array(label.unicodeScalars)
                if let bad = scalars.first(where: { !($0.isASCIIAlphanumeric || $0 == "-") }) {
                    throw Problem(
                        "registry \(domain.quotedForMessage): invalid character \(String(bad).quotedForMessage)")
                }
                if scalars.first == "-" || scalars.last == "-" {
                    throw Problem(
                        "registry \(domain.quotedForMessage): \(label.quotedForMessage) cannot start or end with \"-\"")
                }
            }
        }
        if let port {
            guard !port.isEmpty, port.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let number = Int(port), number <= 65535
            else {
                throw Problem(
                    "registry \(domain.quotedForMessage): port \(port.quotedForMessage) is not a number 0-65535")
            }
        }
    }

    /// Validates one repository path component: `[a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*`.
    static func checkPathComponent(_ component: Substring) throws(Problem) {
        if component.isEmpty {
            throw Problem("repository path has an empty component (check for \"//\" or a trailing \"/\")")
        }
        let scalars = Array(component.unicodeScalars)
        if scalars.contains(where: { $0.properties.isUppercase }) {
            throw Problem("repository must be lowercase (\(component.quotedForMessage))")
        }
        if let bad = scalars.first(where: { !($0.isLowercaseAlphanumeric || $0 == "." || $0 == "_" || $0 == "-") }) {
            throw Problem(
                "repository component \(component.quotedForMessage) has invalid character "
                    + "\(String(bad).quotedForMessage) (allowed: a-z, 0-9, \".\", \"_\", \"-\")")
        }
        if !scalars[0].isLowercaseAlphanumeric || !scalars[scalars.count - 1].isLowercaseAlphanumeric {
            throw Problem("repository component \(component.quotedForMessage) must start and end with a-z or 0-9")
        }
        // Separators between alphanumeric runs: ".", "_", "__" or one or more "-".
        var index = 0
        while index < scalars.count {
            if scalars[index].isLowercaseAlphanumeric {
                index += 1
                continue
            }
            var end = index
            while end < scalars.count, !scalars[end].isLowercaseAlphanumeric { end += 1 }
            let separator = String(String.UnicodeScalarView(scalars[index..<end]))
            let allowed =
                separator == "." || separator == "_" || separator == "__" || separator.allSatisfy { $0 == "-" }
            if !allowed {
                throw Problem(
                    "repository component \(component.quotedForMessage) has invalid separator "
                        + "\(separator.quotedForMessage) (use \".\", \"_\", \"__\" or dashes)")
            }
            index = end
        }
    }
}

extension Unicode.Scalar {
    /// `[0-9a-z]`.
    var isLowercaseAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("0"..."9").contains(self)
    }

    /// `[0-9A-Za-z]`.
    var isASCIIAlphanumeric: Bool {
        isLowercaseAlphanumeric || ("A"..."Z").contains(self)
    }

    /// `[0-9A-Za-z_]`, the regular-expression `\w` in ASCII.
    var isWordCharacter: Bool {
        isASCIIAlphanumeric || self == "_"
    }

    /// `[0-9A-Fa-f]`.
    var isHexDigit: Bool {
        ("0"..."9").contains(self) || ("a"..."f").contains(self) || ("A"..."F").contains(self)
    }
}

extension UInt8 {
    /// `[0-9a-f]` as an ASCII byte.
    var isLowercaseHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
    }
}
