import Foundation

/// One entry of a registry's error body `{"errors":[{"code":"…","message":"…","detail":…}]}` (OCI distribution
/// spec), e.g. `NAME_UNKNOWN`, `MANIFEST_UNKNOWN`, `DENIED`, `TOOMANYREQUESTS`.
public struct DistributionError: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The error code, uppercase as the registry sent it (`MANIFEST_UNKNOWN`); `UNKNOWN` when it sent none.
    public let code: String
    /// The registry's message; empty when it sent none.
    public let message: String
    /// The `detail` member as compact JSON text (sorted keys), or nil when absent or `null`.
    public let detail: String?

    /// Creates an error entry.
    public init(code: String, message: String = "", detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// `CODE: message` (or just `CODE`).
    public var description: String {
        message.isEmpty ? code : "\(code): \(message)"
    }

    private enum CodingKeys: String, CodingKey {
        case code, message, detail
    }

    /// Decodes one entry leniently: a missing or non-string `code` becomes `UNKNOWN`, a non-string `message` is
    /// dropped, and `detail` may be any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let code = (try? container.decodeIfPresent(String.self, forKey: .code)) ?? nil
        self.code = code.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? "UNKNOWN"
        self.message = ((try? container.decodeIfPresent(String.self, forKey: .message)) ?? nil) ?? ""
        if let text = try? container.decodeIfPresent(String.self, forKey: .detail) {
            self.detail = Self.render(.string(text))
        } else if let value = try? container.decodeIfPresent(AnyJSON.self, forKey: .detail), value != .null {
            self.detail = Self.render(value)
        } else {
            self.detail = nil
        }
    }

    /// Encodes `code`, `message` and `detail`; `detail` is written back as the JSON value it holds.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        if let detail {
            let value = (try? JSONDecoder().decode(AnyJSON.self, from: Data(detail.utf8))) ?? .string(detail)
            try container.encode(value, forKey: .detail)
        }
    }

    /// The entries of a registry error body. Never fails: a body that is empty, not JSON, or not of the
    /// `{"errors":[…]}` shape gives an empty list, and malformed entries are skipped.
    public static func decodeList(from body: Data?) -> [DistributionError] {
        guard let body, !body.isEmpty,
            let envelope = try? JSONDecoder().decode(LenientEnvelope.self, from: body)
        else { return [] }
        return envelope.errors.compactMap(\.value)
    }

    /// A top-level `message` or `details` string some registries send instead of `errors[]` (Docker Hub's rate
    /// limit body is `{"message":"toomanyrequests: …"}`); nil when absent or not JSON.
    static func topLevelMessage(from body: Data?) -> String? {
        guard let body, !body.isEmpty,
            let object = try? JSONDecoder().decode([String: AnyJSON].self, from: body)
        else { return nil }
        for key in ["message", "details", "detail", "error_description", "error"] {
            if case .string(let text)? = object[key], !text.isEmpty { return text }
        }
        return nil
    }

    private struct LenientEnvelope: Decodable {
        let errors: [Lenient]
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            errors = (try? container.decode([Lenient].self, forKey: .errors)) ?? []
        }
        private enum Key: String, CodingKey { case errors }
    }

    private struct Lenient: Decodable {
        let value: DistributionError?
        init(from decoder: any Decoder) throws {
            value = try? DistributionError(from: decoder)
        }
    }

    private static func render(_ value: AnyJSON) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Any JSON value, for the free-form `detail` member.
    private enum AnyJSON: Codable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([AnyJSON])
        case object([String: AnyJSON])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([AnyJSON].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: AnyJSON].self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .number(let value):
                if value.rounded() == value, abs(value) < 1e15 {
                    try container.encode(Int64(value))
                } else {
                    try container.encode(value)
                }
            case .string(let value): try container.encode(value)
            case .array(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            }
        }
    }
}
