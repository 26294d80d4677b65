/// How ``RegistryClient/ensureBlob(_:in:from:)`` made sure a repository has a blob.
public enum BlobPlacement: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The repository already had it (`HEAD` answered 200): nothing was sent.
    case existed
    /// The registry linked it from the source repository (cross-repository mount): nothing was sent.
    case mounted
    /// Its bytes were uploaded.
    case uploaded
    /// Nothing was done: a non-distributable (foreign) layer, which registries never hold
    /// (``OCI/Descriptor/isForeignLayer``).
    case foreign

    /// The raw value.
    public var description: String { rawValue }
}
