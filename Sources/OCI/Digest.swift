import Crypto
import Foundation
import Support

/// A content digest such as `sha256:2cf24dba…`, validated on construction.
///
/// Only `sha256` (64 hex characters) and `sha512` (128 hex characters) are accepted, and the hex must be lowercase,
/// as the OCI image specification requires for registered algorithms. A digest encodes and decodes as its string form.
public struct Digest: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The algorithm: `"sha256"` or `"sha512"`.
    public let algorithm: String
    /// The lowercase hex encoding of the hash, of the length the algorithm requires.
    public let encoded: String

    /// Parses and validates `algorithm:hex`.
    ///
    /// - Throws: ``OCIError`` naming the input and what is wrong with it.
    public init(_ string: String) throws(OCIError) {
        switch Digest.parse(string) {
        case .success(let digest): self = digest
        case .failure(let problem): throw OCIError("invalid digest \(string.quotedForMessage): \(problem.reason)")
        }
    }

    /// Creates a digest from already-validated parts (internal use by hashers).
    init(uncheckedAlgorithm algorithm: String, encoded: String) {
        self.algorithm = algorithm
        self.encoded = encoded
    }

    /// The sha256 digest of `data`.
    public static func sha256(_ data: some DataProtocol) -> Digest {
        Digest(uncheckedAlgorithm: "sha256", encoded: SHA256.hash(data: data).hexString)
    }

    /// The sha512 digest of `data`.
    public static func sha512(_ data: some DataProtocol) -> Digest {
        Digest(uncheckedAlgorithm: "sha512", encoded: SHA512.hash(data: data).hexString)
    }

    /// The digest of `data` computed with this digest's algorithm; used to verify content against this digest.
    public func recompute(_ data: some DataProtocol) -> Digest {
        algorithm == "sha512" ? .sha512(data) : .sha256(data)
    }

    /// The string form, `algorithm:hex`.
    public var description: String { "\(algorithm):\(encoded)" }

    /// Decodes a digest from its string form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        switch Digest.parse(string) {
        case .success(let digest): self = digest
        case .failure(let problem):
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "invalid digest \(string.quotedForMessage): \(problem.reason)")
        }
    }

    /// Encodes the digest as its string form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Digest {
    /// Why a string is not a valid digest.
    struct Problem: Error {
        let reason: String
    }

    /// The hex length each supported algorithm requires.
    static let supportedAlgorithms: [String: Int] = ["sha256": 64, "sha512": 128]

    /// Validates `algorithm:hex` without throwing, so callers can wrap the reason in their own message.
    static func parse(_ string: String) -> Result<Digest, Problem> {
        guard let colon = string.firstIndex(of: ":") else {
            return .failure(Problem(reason: "expected \"sha256:<64 hex characters>\""))
        }
        let algorithm = String(string[..<colon])
        let encoded = String(string[string.index(after: colon)...])
        if algorithm.isEmpty {
            return .failure(Problem(reason: "missing algorithm before \":\""))
        }
        guard let length = supportedAlgorithms[algorithm] else {
            if supportedAlgorithms[algorithm.lowercased()] != nil {
                return .failure(Problem(reason: "algorithm must be lowercase (\"\(algorithm.lowercased())\")"))
            }
            return .failure(Problem(reason: "unsupported algorithm \"\(algorithm)\" (use sha256 or sha512)"))
        }
        if encoded.isEmpty {
            return .failure(Problem(reason: "missing hex after \"\(algorithm):\""))
        }
        var sawUppercase = false
        for scalar in encoded.unicodeScalars {
            switch scalar {
            case "0"..."9", "a"..."f":
                continue
            case "A"..."F":
                sawUppercase = true
            default:
                return .failure(Problem(reason: "hex part has invalid character \(String(scalar).quotedForMessage)"))
            }
        }
        if sawUppercase {
            return .failure(Problem(reason: "hex must be lowercase"))
        }
        if encoded.utf8.count != length {
            return .failure(
                Problem(reason: "\(algorithm) needs \(length) hex characters, got \(encoded.utf8.count)"))
        }
        return .success(Digest(uncheckedAlgorithm: algorithm, encoded: encoded))
    }
}
