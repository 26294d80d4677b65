import Crypto
import Foundation

/// `"sha256:<hex>"` of `data`, computed independently of the OCI module (for oracles in tests).
public func sha256Digest(_ data: some DataProtocol) -> String {
    "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}
