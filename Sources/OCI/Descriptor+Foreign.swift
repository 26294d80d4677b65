extension Descriptor {
    /// True for a non-distributable ("foreign") layer: it lives at external ``urls`` and is never pushed to a
    /// registry (Docker's `…foreign.diff.tar.gzip`, OCI's `….nondistributable.…` layer types).
    public var isForeignLayer: Bool {
        guard let urls, !urls.isEmpty else { return false }
        let type = MediaType.essence(mediaType)
        return type == MediaType.dockerForeignLayerGzip || type.contains(".nondistributable.")
    }
}
