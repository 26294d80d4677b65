extension RegistryError {
    /// The side of a copy an error came from: ``ImageCopier`` marks every error it throws, so a caller can explain
    /// it for the right repository (e.g. a missing destination repository versus a denied pull).
    public enum Side: String, Sendable, Hashable {
        /// Reading the source: its manifests, config or a blob download.
        case source
        /// Writing the destination: a blob check, mount, upload or manifest push.
        case destination
    }

    /// This error, marked as coming from `side` unless it is marked already.
    func on(_ side: Side) -> RegistryError {
        guard self.side == nil else { return self }
        var copy = self
        copy.side = side
        return copy
    }
}
