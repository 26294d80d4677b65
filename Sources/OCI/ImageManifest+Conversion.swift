extension ImageManifest {
    /// The same image as an OCI manifest: manifest, config and layer media types mapped to their OCI equivalents
    /// (Docker gzip layer → `tar+gzip`, …). Digests and sizes are unchanged, so no blob needs to be rewritten.
    /// An OCI manifest is returned with its `mediaType` set explicitly.
    public func convertedToOCI() -> ImageManifest {
        var result = self
        result.mediaType = MediaType.ociManifest
        result.config.mediaType = MediaType.ociEquivalent(of: config.mediaType)
        result.layers = layers.map { layer in
            var layer = layer
            layer.mediaType = MediaType.ociEquivalent(of: layer.mediaType)
            return layer
        }
        return result
    }

    /// The same image as a Docker schema 2 manifest, keeping digests and sizes.
    ///
    /// Docker schema 2 has no `artifactType`, `subject` or `annotations`: annotations are dropped, the other two are
    /// an error.
    /// - Throws: ``OCIError`` if the manifest is an artifact, has a subject, or uses a type Docker cannot express
    ///   (zstd layers, for example).
    public func convertedToDocker() throws(OCIError) -> ImageManifest {
        if artifactType != nil || subject != nil {
            throw OCIError("cannot convert manifest to Docker schema 2: artifactType and subject are OCI-only")
        }
        guard let configType = MediaType.dockerEquivalent(of: config.mediaType) else {
            throw OCIError(
                "cannot convert manifest to Docker schema 2: config media type \(config.mediaType) "
                    + "has no Docker equivalent")
        }
        var result = self
        result.mediaType = MediaType.dockerManifest
        result.annotations = nil
        result.config.mediaType = configType
        result.layers = []
        for (index, layer) in layers.enumerated() {
            guard let layerType = MediaType.dockerEquivalent(of: layer.mediaType) else {
                throw OCIError(
                    "cannot convert manifest to Docker schema 2: layers[\(index)] media type \(layer.mediaType) "
                        + "has no Docker equivalent (use gzip layers)")
            }
            var converted = layer
            converted.mediaType = layerType
            result.layers.append(converted)
        }
        return result
    }

    /// Converts to OCI when `toOCI` is true, otherwise to Docker schema 2; see ``convertedToOCI()`` and
    /// ``convertedToDocker()``.
    public func converted(toOCI: Bool) throws(OCIError) -> ImageManifest {
        toOCI ? convertedToOCI() : try convertedToDocker()
    }
}
