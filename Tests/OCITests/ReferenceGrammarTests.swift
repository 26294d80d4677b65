import Testing

@testable import OCI

/// Differential test: the hand-written reference scanner must accept exactly the strings that regular expressions
/// built from the distribution grammar accept (with the project's domain rule), and split them the same way.
@Suite("Reference grammar")
struct ReferenceGrammarTests {
    // The grammar writes the dash separator as `[-]*`; `-+` accepts the same language without the catastrophic
    // backtracking that an empty separator causes in a backtracking regex engine.
    static let pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    static let domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
    static let domain = "\(domainComponent)(?:\\.\(domainComponent))*(?::[0-9]+)?"
    static let path = "\(pathComponent)(?:/\(pathComponent))*"
    static let tag = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"

    /// A small deterministic generator (SplitMix64) so failures are reproducible.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func candidates(count: Int, seed: UInt64) -> [String] {
        var random = SplitMix(state: seed)
        let alphabet: [String] = ["a", "b", "z", "Z", "0", "9", ".", "-", "_", ":", "/", "/", "localhost", "__"]
        return (0..<count).map { _ in
            let length = Int.random(in: 1...8, using: &random)
            return (0..<length).map { _ in alphabet.randomElement(using: &random)! }.joined()
        }
    }

    @Test(
        "scanner agrees with the grammar regexes", .timeLimit(.minutes(1)), arguments: [1, 2, 3, 4] as [UInt64])
    func agreesWithRegexes(seed: UInt64) throws {
        let withDomain = try Regex("^(\(Self.domain))/(\(Self.path))(?::(\(Self.tag)))?$")
        let withoutDomain = try Regex("^(\(Self.path))(?::(\(Self.tag)))?$")
        var accepted = 0
        for input in Self.candidates(count: 1500, seed: seed) {
            // Expected split per the grammar and the rule "first component is a domain iff it has . or : or is
            // localhost".
            var expected: (registry: String, repository: String, tag: String?)?
            if let match = try withDomain.wholeMatch(in: input), let domainText = match.output[1].substring,
                domainText.contains(".") || domainText.contains(":") || domainText == "localhost"
            {
                let port = domainText.split(separator: ":").dropFirst().first.flatMap { Int($0) } ?? 0
                if port <= 65535 {
                    expected = (
                        String(domainText).lowercased(), String(match.output[2].substring!),
                        match.output[3].substring.map(String.init) ?? "latest"
                    )
                }
            } else if let match = try withoutDomain.wholeMatch(in: input) {
                let path = String(match.output[1].substring!)
                let first = path.split(separator: "/").first.map(String.init) ?? path
                let firstIsDomain = first.contains(".") || first == "localhost"
                if !path.contains("/") || !firstIsDomain {
                    expected = ("docker.io", path, match.output[2].substring.map(String.init) ?? "latest")
                }
            }
            if var wanted = expected {
                if wanted.registry == "index.docker.io" || wanted.registry == "registry-1.docker.io" {
                    wanted.registry = "docker.io"
                }
                if wanted.registry == "docker.io", !wanted.repository.contains("/") {
                    wanted.repository = "library/" + wanted.repository
                }
                let reference = try? Reference(input)
                #expect(reference?.registry == wanted.registry, "\(input)")
                #expect(reference?.repository == wanted.repository, "\(input)")
                #expect(reference?.tag == wanted.tag, "\(input)")
                accepted += 1
            } else {
                #expect(throws: OCIError.self, "\(input)") { try Reference(input) }
            }
        }
        // The generator must exercise both sides.
        #expect(accepted > 50)
    }
}
