import Foundation

extension Manifest {
    /// Decodes manifest bytes as served by a registry.
    ///
    /// The kind is taken from `contentType` when it names a manifest type, else from the JSON's `mediaType`, else
    /// from the shape (a `manifests` key → index, a `config` key → image manifest). Docker schema 1 is rejected.
    ///
    /// - Parameters:
    ///   - data: the exact manifest bytes.
    ///   - contentType: the response's `Content-Type`, if any (parameters such as `charset` are ignored).
    /// - Throws: ``OCIError`` with one line naming the problem (and the JSON field, for decoding errors).
    public static func decode(_ data: Data, contentType: String?) throws(OCIError) -> Manifest {
        let probe: Probe
        do {
            probe = try JSONDecoder().decode(Probe.self, from: data)
        } catch {
            throw OCIError("invalid manifest: \(describe(error))")
        }
        let headerType = contentType.map(MediaType.essence) ?? ""
        let bodyType = probe.mediaType.map(MediaType.essence) ?? ""
        if MediaType.isSchema1(headerType) || MediaType.isSchema1(bodyType) || probe.schemaVersion == 1 {
            throw OCIError(
                "unsupported manifest: Docker schema 1 is deprecated; re-push the image with a current tool "
                    + "(Docker schema 2 or OCI)")
        }

        let isIndex: Bool
        if MediaType.isIndex(headerType) || MediaType.isImageManifest(headerType) {
            isIndex = MediaType.isIndex(headerType)
            let bodyIsIndex = MediaType.isIndex(bodyType)
            if (MediaType.isIndex(bodyType) || MediaType.isImageManifest(bodyType)), bodyIsIndex != isIndex {
                throw OCIError(
                    "invalid manifest: Content-Type is \(headerType) but the manifest's mediaType is \(bodyType)")
            }
        } else if MediaType.isIndex(bodyType) || MediaType.isImageManifest(bodyType) {
            isIndex = MediaType.isIndex(bodyType)
        } else if probe.hasManifests {
            isIndex = true
        } else if probe.hasConfig {
            isIndex = false
        } else {
            let type = bodyType.isEmpty ? headerType : bodyType
            let what = type.isEmpty ? "no media type" : "media type \(type)"
            throw OCIError("invalid manifest: \(what), and neither a \"manifests\" nor a \"config\" field")
        }

        if let version = probe.schemaVersion, version != 2 {
            throw OCIError("invalid manifest: schemaVersion is \(version), expected 2")
        }
        do {
            if isIndex {
                return .index(try JSONDecoder().decode(ImageIndex.self, from: data))
            }
            return .image(try JSONDecoder().decode(ImageManifest.self, from: data))
        } catch {
            throw OCIError("invalid \(isIndex ? "image index" : "image manifest"): \(describe(error))")
        }
    }

    /// The fields used to decide what kind of manifest some JSON is.
    struct Probe: Decodable {
        var schemaVersion: Int?
        var mediaType: String?
        var hasManifests: Bool
        var hasConfig: Bool

        enum CodingKeys: String, CodingKey {
            case schemaVersion, mediaType, manifests, config
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            schemaVersion = try? container.decodeIfPresent(Int.self, forKey: .schemaVersion)
            mediaType = try? container.decodeIfPresent(String.self, forKey: .mediaType)
            hasManifests = container.contains(.manifests)
            hasConfig = container.contains(.config)
        }
    }
}
