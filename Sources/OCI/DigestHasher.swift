import Crypto
import Foundation
import Support

/// A streaming hasher producing a ``Digest``: feed it chunks while reading or writing, then ``finalize()``.
///
/// The default algorithm is sha256; ``init(algorithmOf:)`` picks the algorithm of a digest to verify against.
public struct DigestHasher: Sendable {
    // Exactly one of the two is non-nil. Optional chaining mutates the hasher in place (no copy-on-write copy).
    private var sha256: SHA256?
    private var sha512: SHA512?
    /// Number of bytes hashed so far.
    public private(set) var count: Int64 = 0

    /// A sha256 hasher.
    public init() {
        sha256 = SHA256()
    }

    /// A hasher using the same algorithm as `digest`, so the result can be compared with it.
    public init(algorithmOf digest: Digest) {
        if digest.algorithm == "sha512" {
            sha512 = SHA512()
        } else {
            sha256 = SHA256()
        }
    }

    /// Adds the bytes in `bytes`.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        count += Int64(bytes.count)
        sha256?.update(bufferPointer: bytes)
        sha512?.update(bufferPointer: bytes)
    }

    /// Adds the bytes of `data`.
    public mutating func update(_ data: some DataProtocol) {
        count += Int64(data.count)
        sha256?.update(data: data)
        sha512?.update(data: data)
    }

    /// The digest of everything added so far. The hasher can keep being updated afterwards.
    public func finalize() -> Digest {
        if let sha512 {
            return Digest(uncheckedAlgorithm: "sha512", encoded: sha512.finalize().hexString)
        }
        return Digest(uncheckedAlgorithm: "sha256", encoded: (sha256 ?? SHA256()).finalize().hexString)
    }
}
