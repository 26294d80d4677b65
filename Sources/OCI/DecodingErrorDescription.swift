import Foundation

/// A one-line description of a JSON decoding error, naming the field path (`layers[0].digest`).
func describe(_ error: any Error) -> String {
    guard let error = error as? DecodingError else {
        return String(describing: error)
    }
    func path(_ codingPath: [any CodingKey], appending key: (any CodingKey)? = nil) -> String {
        var result = ""
        for key in codingPath + (key.map { [$0] } ?? []) {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return result
    }
    func subject(_ codingPath: [any CodingKey]) -> String {
        codingPath.isEmpty ? "the top-level value" : "field \"\(path(codingPath))\""
    }
    switch error {
    case .keyNotFound(let key, let context):
        return "missing field \"\(path(context.codingPath, appending: key))\""
    case .valueNotFound(let type, let context):
        return "\(subject(context.codingPath)) is null, expected \(typeName(type))"
    case .typeMismatch(let type, let context):
        return "\(subject(context.codingPath)) has the wrong type, expected \(typeName(type))"
    case .dataCorrupted(let context):
        if context.codingPath.isEmpty {
            return "not valid JSON"
        }
        return "field \"\(path(context.codingPath))\": \(context.debugDescription)"
    @unknown default:
        return String(describing: error)
    }
}

/// A JSON-ish name for a Swift type in error messages.
private func typeName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Int.Type, is Int64.Type: "an integer"
    case is Bool.Type: "a boolean"
    case is [Any].Type: "an array"
    case is [String: Any].Type: "an object"
    default: String(describing: type)
    }
}
