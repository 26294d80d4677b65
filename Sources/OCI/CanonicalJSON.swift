import Foundation

/// The one JSON encoder for everything this project creates (manifests, indexes, configs): keys sorted, slashes not
/// escaped, no whitespace, optional fields omitted when nil. The same value always encodes to the same bytes, so
/// its digest is stable.
public enum CanonicalJSON {
    /// Encodes `value` canonically.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
