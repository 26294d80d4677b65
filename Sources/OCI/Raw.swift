import Foundation

/// A parsed value kept next to the exact bytes it came from (or was encoded to), so that its digest is always the
/// digest of the bytes that are stored and sent, never of a re-encoding.
public struct Raw<Value: Sendable>: Sendable {
    /// The exact bytes.
    public let bytes: Data
    /// The parsed value.
    public let value: Value
    /// The media type of the bytes (the `Content-Type` to send).
    public let mediaType: String
    /// The sha256 digest of ``bytes``.
    public let digest: Digest

    /// Pairs bytes with their parsed value. The caller guarantees that `value` was parsed from (or encoded to)
    /// `bytes`.
    public init(bytes: Data, value: Value, mediaType: String) {
        self.bytes = bytes
        self.value = value
        self.mediaType = mediaType
        self.digest = Digest.sha256(bytes)
    }

    /// The number of bytes.
    public var size: Int64 {
        Int64(bytes.count)
    }

    /// A descriptor pointing at these bytes (media type, digest, size).
    public var descriptor: Descriptor {
        Descriptor(mediaType: mediaType, digest: digest, size: size)
    }
}

extension Raw: Equatable where Value: Equatable {}
extension Raw: Hashable where Value: Hashable {}

extension Raw where Value: Encodable {
    /// Encodes `value` with ``CanonicalJSON`` and keeps the resulting bytes.
    public init(encoding value: Value, mediaType: String) throws(OCIError) {
        do {
            self.init(bytes: try CanonicalJSON.encode(value), value: value, mediaType: mediaType)
        } catch {
            throw OCIError("cannot encode \(mediaType) as JSON: \(error)")
        }
    }
}

extension Raw where Value: Decodable {
    /// Decodes `bytes` as JSON and keeps them.
    ///
    /// - Throws: ``OCIError`` naming the media type and the JSON field that failed.
    public init(decoding bytes: Data, mediaType: String) throws(OCIError) {
        do {
            self.init(bytes: bytes, value: try JSONDecoder().decode(Value.self, from: bytes), mediaType: mediaType)
        } catch {
            throw OCIError("invalid \(mediaType): \(describe(error))")
        }
    }
}

extension Raw where Value == Manifest {
    /// Decodes manifest bytes as served by a registry (see ``Manifest/decode(_:contentType:)``); the media type is
    /// the bare `contentType` when given, else the manifest's own.
    public init(manifestBytes bytes: Data, contentType: String?) throws(OCIError) {
        let manifest = try Manifest.decode(bytes, contentType: contentType)
        let headerType = contentType.map(MediaType.essence) ?? ""
        let mediaType =
            MediaType.isIndex(headerType) || MediaType.isImageManifest(headerType) ? headerType : manifest.mediaType
        self.init(bytes: bytes, value: manifest, mediaType: mediaType)
    }

    /// Encodes a manifest canonically; the media type is the manifest's own.
    public init(encoding manifest: Manifest) throws(OCIError) {
        try self.init(encoding: manifest, mediaType: manifest.mediaType)
    }
}
