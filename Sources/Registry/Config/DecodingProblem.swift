import Foundation

/// Turns a decoding error into a short, one-line description naming the field, e.g.
/// `auths["ghcr.io"].auth: expected a string` or `registry[1].insecure: expected true or false`.
enum DecodingProblem {
    /// A one-line description of `error` (a `DecodingError` or anything else).
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else {
            return Redaction.oneLine(String(describing: error))
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(fieldPath(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(fieldPath(context.codingPath)): missing value, expected \(typeName(type))"
        case .keyNotFound(let key, let context):
            // TOMLKit reports a value of the wrong type as "key not found", with the key already at the end of the
            // path and the wanted type in the debug text (`A "Bool" does not exist at …`).
            if let last = context.codingPath.last, last.stringValue == key.stringValue, last.intValue == key.intValue {
                return "\(fieldPath(context.codingPath)): expected \(wantedType(context.debugDescription))"
            }
            return "\(fieldPath(context.codingPath + [key])): required but missing"
        case .dataCorrupted(let context):
            let detail = context.underlyingError.map { underlyingText($0) } ?? context.debugDescription
            return context.codingPath.isEmpty ? detail : "\(fieldPath(context.codingPath)): \(detail)"
        @unknown default:
            return Redaction.oneLine(String(describing: error))
        }
    }

    /// `auths["ghcr.io"].auth`, `registry[0].mirror[1].location`; `(top level)` for an empty path.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var result = ""
        for key in path {
            if let index = key.intValue {
                result += "[\(index)]"
            } else if key.stringValue.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
                result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
            } else {
                result += "[\"\(key.stringValue)\"]"
            }
        }
        return result.isEmpty ? "(top level)" : result
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int64.Type, is Double.Type: return "a number"
        default:
            // Array<…>, [X], TOMLArray → a list; Dictionary<…>, [K: V], TOMLTable, structs → a table.
            let name = String(describing: type)
            if name.contains("Array") || (name.hasPrefix("[") && !name.contains(":")) { return "a list" }
            return "a table of key/value pairs"
        }
    }

    /// The type named in TOMLKit's `A "Bool" does not exist at …` text, as words.
    private static func wantedType(_ debugDescription: String) -> String {
        guard let open = debugDescription.range(of: "A \""),
            let close = debugDescription[open.upperBound...].firstIndex(of: "\"")
        else { return "another type of value" }
        let name = String(debugDescription[open.upperBound..<close])
        switch name {
        case "Bool": return "true or false"
        case "String": return "a string"
        case "Int", "Int64", "Double", "Float": return "a number"
        default:
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "a list" }
            return "a table"
        }
    }

    private static func underlyingText(_ error: any Error) -> String {
        let nsError = error as NSError
        if let debug = nsError.userInfo[NSDebugDescriptionErrorKey] as? String, !debug.isEmpty {
            return Redaction.oneLine(debug)
        }
        return Redaction.oneLine(String(describing: error))
    }
}
