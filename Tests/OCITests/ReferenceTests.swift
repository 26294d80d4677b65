import Foundation
import Testing

@testable import OCI

private let hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
private let hex128 = hex64 + hex64

/// A valid reference and what it must normalise to.
struct ReferenceCase: Sendable, CustomTestStringConvertible {
    let input: String
    let registry: String
    let repository: String
    let tag: String?
    let digest: String?
    let normalized: String

    var testDescription: String { input }
}

/// An invalid reference and a phrase its error must contain.
struct RejectedReference: Sendable, CustomTestStringConvertible {
    let input: String
    let phrase: String

    var testDescription: String { input.count > 60 ? String(input.prefix(60)) + "…" : input }
}

@Suite("Reference")
struct ReferenceTests {
    static let valid: [ReferenceCase] = [
        .init(
            input: "ubuntu", registry: "docker.io", repository: "library/ubuntu", tag: "latest", digest: nil,
            normalized: "docker.io/library/ubuntu:latest"),
        .init(
            input: "ubuntu:22.04", registry: "docker.io", repository: "library/ubuntu", tag: "22.04", digest: nil,
            normalized: "docker.io/library/ubuntu:22.04"),
        .init(
            input: "library/ubuntu", registry: "docker.io", repository: "library/ubuntu", tag: "latest",
            digest: nil, normalized: "docker.io/library/ubuntu:latest"),
        .init(
            input: "docker.io/ubuntu", registry: "docker.io", repository: "library/ubuntu", tag: "latest",
            digest: nil, normalized: "docker.io/library/ubuntu:latest"),
        .init(
            input: "docker.io/library/ubuntu:latest", registry: "docker.io", repository: "library/ubuntu",
            tag: "latest", digest: nil, normalized: "docker.io/library/ubuntu:latest"),
        .init(
            input: "index.docker.io/foo", registry: "docker.io", repository: "library/foo", tag: "latest",
            digest: nil, normalized: "docker.io/library/foo:latest"),
        .init(
            input: "registry-1.docker.io/user/x:1", registry: "docker.io", repository: "user/x", tag: "1",
            digest: nil, normalized: "docker.io/user/x:1"),
        .init(
            input: "user/x", registry: "docker.io", repository: "user/x", tag: "latest", digest: nil,
            normalized: "docker.io/user/x:latest"),
        .init(
            input: "localhost:5000/x", registry: "localhost:5000", repository: "x", tag: "latest", digest: nil,
            normalized: "localhost:5000/x:latest"),
        .init(
            input: "localhost/x", registry: "localhost", repository: "x", tag: "latest", digest: nil,
            normalized: "localhost/x:latest"),
        // No slash: "localhost:5000" is repository "localhost" with tag "5000", exactly as Docker reads it.
        .init(
            input: "localhost:5000", registry: "docker.io", repository: "library/localhost", tag: "5000",
            digest: nil, normalized: "docker.io/library/localhost:5000"),
        .init(
            input: "example.com/ubuntu", registry: "example.com", repository: "ubuntu", tag: "latest",
            digest: nil, normalized: "example.com/ubuntu:latest"),
        .init(
            input: "host/a/b:tag@sha256:\(hex64)", registry: "docker.io", repository: "host/a/b", tag: "tag",
            digest: "sha256:\(hex64)", normalized: "docker.io/host/a/b:tag@sha256:\(hex64)"),
        .init(
            input: "host.local/a/b:tag@sha256:\(hex64)", registry: "host.local", repository: "a/b", tag: "tag",
            digest: "sha256:\(hex64)", normalized: "host.local/a/b:tag@sha256:\(hex64)"),
        .init(
            input: "ghcr.io/a/b:tag@sha256:\(hex64)", registry: "ghcr.io", repository: "a/b", tag: "tag",
            digest: "sha256:\(hex64)", normalized: "ghcr.io/a/b:tag@sha256:\(hex64)"),
        .init(
            input: "ghcr.io/a/b@sha256:\(hex64)", registry: "ghcr.io", repository: "a/b", tag: nil,
            digest: "sha256:\(hex64)", normalized: "ghcr.io/a/b@sha256:\(hex64)"),
        .init(
            input: "ubuntu@sha256:\(hex64)", registry: "docker.io", repository: "library/ubuntu", tag: nil,
            digest: "sha256:\(hex64)", normalized: "docker.io/library/ubuntu@sha256:\(hex64)"),
        .init(
            input: "host.example/a@sha512:\(hex128)", registry: "host.example", repository: "a", tag: nil,
            digest: "sha512:\(hex128)", normalized: "host.example/a@sha512:\(hex128)"),
        .init(
            input: "127.0.0.1:5000/a/b/c:v1.2.3", registry: "127.0.0.1:5000", repository: "a/b/c",
            tag: "v1.2.3", digest: nil, normalized: "127.0.0.1:5000/a/b/c:v1.2.3"),
        .init(
            input: "[::1]:5000/x:t", registry: "[::1]:5000", repository: "x", tag: "t", digest: nil,
            normalized: "[::1]:5000/x:t"),
        .init(
            input: "[2001:db8::1]/repo", registry: "[2001:db8::1]", repository: "repo", tag: "latest",
            digest: nil, normalized: "[2001:db8::1]/repo:latest"),
        .init(
            input: "Example.COM/foo", registry: "example.com", repository: "foo", tag: "latest", digest: nil,
            normalized: "example.com/foo:latest"),
        .init(
            input: "us-central1-docker.pkg.dev/proj/repo/img:tag", registry: "us-central1-docker.pkg.dev",
            repository: "proj/repo/img", tag: "tag", digest: nil,
            normalized: "us-central1-docker.pkg.dev/proj/repo/img:tag"),
        .init(
            input: "a/b__c/d-e/f.g_h:_x", registry: "docker.io", repository: "a/b__c/d-e/f.g_h", tag: "_x",
            digest: nil, normalized: "docker.io/a/b__c/d-e/f.g_h:_x"),
        .init(
            input: "foo/a---b:Tag-1.0_RC", registry: "docker.io", repository: "foo/a---b", tag: "Tag-1.0_RC",
            digest: nil, normalized: "docker.io/foo/a---b:Tag-1.0_RC"),
        .init(
            input: "x:" + String(repeating: "t", count: 128), registry: "docker.io", repository: "library/x",
            tag: String(repeating: "t", count: 128), digest: nil,
            normalized: "docker.io/library/x:" + String(repeating: "t", count: 128)),
        .init(
            input: "localhost:30000/flytetest:abc123", registry: "localhost:30000", repository: "flytetest",
            tag: "abc123", digest: nil, normalized: "localhost:30000/flytetest:abc123"),
    ]

    @Test("normalises valid references", arguments: valid)
    func normalises(_ example: ReferenceCase) throws {
        let reference = try Reference(example.input)
        #expect(reference.registry == example.registry)
        #expect(reference.repository == example.repository)
        #expect(reference.tag == example.tag)
        #expect(reference.digest?.description == example.digest)
        #expect(reference.description == example.normalized)
        // The normalised form parses to the same reference.
        #expect(try Reference(reference.description) == reference)
    }

    static let rejected: [RejectedReference] = [
        .init(input: "", phrase: "reference is empty"),
        .init(input: "Foo/bar", phrase: "repository must be lowercase"),
        .init(input: "foo/BAR:tag", phrase: "repository must be lowercase (\"BAR\")"),
        .init(input: "ubuntu:", phrase: "tag after \":\" is empty"),
        .init(input: "ubuntu@", phrase: "digest after \"@\" is empty"),
        .init(input: "ubuntu@sha256:abc", phrase: "sha256 needs 64 hex characters, got 3"),
        .init(input: "ubuntu@sha256:" + hex64.uppercased(), phrase: "hex must be lowercase"),
        .init(input: "ubuntu@md5:d41d8cd98f00b204e9800998ecf8427e", phrase: "unsupported algorithm \"md5\""),
        .init(input: "ubuntu@sha256:\(hex64)z", phrase: "invalid character \"z\""),
        .init(input: "ubuntu:" + String(repeating: "t", count: 129), phrase: "tag longer than 128 characters"),
        .init(input: "ubuntu:.tag", phrase: "must start with a letter, digit or \"_\""),
        .init(input: "ubuntu:ta+g", phrase: "invalid character \"+\""),
        .init(input: "ubuntu :tag", phrase: "contains whitespace"),
        .init(input: "https://ghcr.io/a/b", phrase: "remove the URL scheme \"https://\""),
        .init(input: "a//b", phrase: "empty component"),
        .init(input: "a/b/", phrase: "empty component"),
        .init(input: "/a", phrase: "empty component"),
        .init(input: "-a/b", phrase: "must start and end with a-z or 0-9"),
        .init(input: "a/b-", phrase: "must start and end with a-z or 0-9"),
        .init(input: "a..b", phrase: "invalid separator \"..\""),
        .init(input: "a.-b", phrase: "invalid separator \".-\""),
        .init(input: "a___b", phrase: "invalid separator \"___\""),
        .init(input: "a/b!c", phrase: "invalid character \"!\""),
        .init(input: "host:port/x", phrase: "port \"port\" is not a number"),
        .init(input: "host:99999/x", phrase: "port \"99999\""),
        .init(input: "host:/x", phrase: "port \"\""),
        .init(input: "[::1/x", phrase: "IPv6 address is missing \"]\""),
        .init(input: "[zz::1]:5000/x", phrase: "is not an IPv6 address"),
        .init(input: "[::1]x/y", phrase: "expected \":port\" after \"]\""),
        .init(input: "-bad.com/x", phrase: "cannot start or end with \"-\""),
        .init(input: "bad_host.com/x", phrase: "invalid character \"_\""),
        .init(input: "a..com/x", phrase: "empty label in host name"),
        .init(input: String(repeating: "a", count: 256), phrase: "name longer than 255 characters (256)"),
        .init(
            input: "example.com/" + String(repeating: "a/", count: 122) + "abc",
            phrase: "name longer than 255 characters"),
        .init(input: hex64, phrase: "is an image ID, not a repository name"),
        .init(input: "localhost:5000/", phrase: "repository path is empty"),
        .init(input: ":tag", phrase: "repository name is empty"),
    ]

    @Test("rejects invalid references with one line naming the input", arguments: rejected)
    func rejects(_ example: RejectedReference) {
        do {
            let reference = try Reference(example.input)
            Issue.record("expected an error, got \(reference)")
        } catch {
            #expect(error.message.hasPrefix("invalid reference \(String(reflecting: example.input)): "))
            #expect(error.message.contains(example.phrase), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    @Test func lengthLimitIsInclusive() throws {
        let name = "example.com/" + String(repeating: "a", count: 255 - "example.com/".count)
        #expect(name.count == 255)
        #expect(try Reference(name).repository.count == 255 - "example.com/".count)
    }

    /// Found by Fuzz/FuzzReference: 253 characters as written, 271 once normalised, so the normal form of an
    /// accepted reference did not parse. Docker (`ParseNormalizedNamed`) applies the limit to the normalised name.
    @Test func lengthLimitAppliesToTheNormalisedName() throws {
        let fuzzed =
            "indeal0-dolibrary/g.d.ev/ind.ex.codker.io.p.g.d.evx.dockeo.p.g.d.ev/mal0-docr.io.p.g.d.ev/index.docker.io."
            + "p.g.d.ev/mal0-docker.pkg.dev/ibrarypkg.devh/er.pkolibrary/g.d.ev/ind.ex.codker.io.p.g.d.evx.dockeo.p.g.d."
            + "ev/mal0-docr.io.p.g.d.ev/index.dockerrabrg"
        #expect(fuzzed.utf8.count == 253)
        for input in [fuzzed, String(repeating: "a", count: 250)] {
            #expect {
                try Reference(input)
            } throws: { error in
                let message = (error as? OCIError)?.message ?? ""
                return message.contains("name longer than 255 characters once normalised to docker.io/… (")
                    && !message.contains("\n")
            }
        }
        let longest = String(repeating: "a", count: 255 - "docker.io/library/".count)
        #expect(try Reference(longest).description == "docker.io/library/\(longest):latest")
        #expect(try Reference(Reference(longest).description).repository == "library/\(longest)")
    }

    @Test func identifierAndAPIHost() throws {
        let hub = try Reference("ubuntu")
        #expect(hub.identifier == "latest")
        #expect(hub.apiHost == "registry-1.docker.io")
        #expect(hub.name == "docker.io/library/ubuntu")

        let pinned = try Reference("localhost:5000/a/b:tag@sha256:\(hex64)")
        #expect(pinned.identifier == "sha256:\(hex64)")
        #expect(pinned.apiHost == "localhost:5000")
    }

    @Test func withTagAndDigest() throws {
        let digest = try Digest("sha256:\(hex64)")
        let base = try Reference("ghcr.io/org/app:1.0@sha256:\(hex64)")
        let retagged = try base.withTag("2.0")
        #expect(retagged.description == "ghcr.io/org/app:2.0")
        #expect(retagged.digest == nil)

        let withDigest = retagged.withDigest(digest)
        #expect(withDigest.description == "ghcr.io/org/app:2.0@sha256:\(hex64)")
        #expect(withDigest.identifier == digest.description)
        #expect(retagged.pinned(to: digest).description == "ghcr.io/org/app@sha256:\(hex64)")

        #expect(throws: OCIError.self) { try base.withTag("-bad") }
        #expect(throws: OCIError.self) { try base.withTag(String(repeating: "x", count: 129)) }
        let moved = try base.inRepository("org/other")
        #expect(moved.description == "ghcr.io/org/other:1.0@sha256:\(hex64)")
    }

    @Test func codableAsNormalisedString() throws {
        let references = [try Reference("ubuntu"), try Reference("localhost:5000/a/b:t@sha256:\(hex64)")]
        let json = try CanonicalJSON.encode(references)
        #expect(
            String(decoding: json, as: UTF8.self)
                == #"["docker.io/library/ubuntu:latest","localhost:5000/a/b:t@sha256:\#(hex64)"]"#)
        #expect(try JSONDecoder().decode([Reference].self, from: json) == references)
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Reference].self, from: Data(#"["Foo/bar"]"#.utf8))
        }
        guard case .dataCorrupted(let context)? = error else {
            Issue.record("expected dataCorrupted, got \(String(describing: error))")
            return
        }
        #expect(context.debugDescription == #"invalid reference "Foo/bar": repository must be lowercase ("Foo")"#)
    }

    @Test func initFromParts() throws {
        let hub = try Reference(registry: "docker.io", repository: "python", tag: "3.11-slim")
        #expect(hub.description == "docker.io/library/python:3.11-slim")
        let local = try Reference(registry: "127.0.0.1:5000", repository: "a/b")
        #expect(local.description == "127.0.0.1:5000/a/b:latest")
        #expect(throws: OCIError.self) { try Reference(registry: "127.0.0.1:5000", repository: "A") }
    }
}
