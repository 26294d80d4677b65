import Foundation
import OCI

/// The cache key of a build step, chained from its parent: the key of the first step covers the base image, the
/// platform and the layer options; every later key covers its parent's key and the step's own inputs. An unchanged
/// prefix of steps therefore has unchanged keys, and a change anywhere changes the key of that step and of every
/// step after it — the BuildKit rule, computed in-process.
///
/// Steps whose result is a pure function of host files (Python packages, files) chain the *digests of their layers*
/// (what they produced); steps that run code in the image chain their *inputs* (the command, its environment), since
/// their output is what the cache saves running again.
public struct StepKey: Sendable, Hashable, CustomStringConvertible {
    /// The key as a sha256 digest.
    public let digest: Digest

    /// Format of the keys; bump it when a step's behaviour changes so old records are not reused.
    static let formatVersion = "imagespec-steps-v1"

    /// The root key: the base platform manifest, the platform and the layer options.
    public static func root(baseManifest: Digest, platform: Platform, layerOptions: String) -> StepKey {
        StepKey(parts: [formatVersion, "base", baseManifest.description, platform.description, layerOptions])
    }

    /// The key of a step of `kind` below this one, with `inputs` (each part is length-prefixed, so no two input
    /// lists give the same text).
    public func chained(_ kind: BuildStepKind, inputs: [String]) -> StepKey {
        StepKey(parts: [digest.description, kind.rawValue] + inputs)
    }

    private init(parts: [String]) {
        var hasher = DigestHasher()
        for part in parts {
            hasher.update(Array("\(part.utf8.count):".utf8))
            hasher.update(Array(part.utf8))
            hasher.update([0x0A])
        }
        digest = hasher.finalize()
    }

    /// The hex digest.
    public var description: String { digest.encoded }
}
