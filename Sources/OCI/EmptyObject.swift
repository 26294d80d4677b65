/// The JSON value `{}`, used as the value type of Docker's set-like objects (`ExposedPorts`, `Volumes`).
/// Decoding accepts any object (and ignores its contents).
struct EmptyObject: Codable, Hashable, Sendable {
    init() {}

    init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: AnyKey.self)
    }

    func encode(to encoder: any Encoder) throws {
        _ = encoder.container(keyedBy: AnyKey.self)
    }

    /// A set of keys as a JSON object with `{}` values.
    static func map(_ keys: Set<String>) -> [String: EmptyObject] {
        Dictionary(uniqueKeysWithValues: keys.map { ($0, EmptyObject()) })
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
