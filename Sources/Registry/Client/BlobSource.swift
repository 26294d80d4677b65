import Foundation
import OCI

/// Where ``RegistryClient/ensureBlob(_:in:from:)`` gets a blob's bytes when the repository does not have it yet.
public enum BlobSource: Sendable {
    /// A local file holding exactly the blob (a built layer).
    case file(path: String)
    /// The bytes themselves (a config); their digest must be the descriptor's.
    case data(Data)
    /// Another repository that has the blob: mounted from there when it is on the same registry, otherwise
    /// `fetch` is called for a local file holding the verified blob (a download, possibly cached), which is then
    /// uploaded.
    case repository(Reference, fetch: @Sendable () async throws(RegistryError) -> String)
}
