@testable import Spec

/// Writes Python values as JSON that Python's `json.loads` reads back to the same values: ASCII only (`\uXXXX`,
/// surrogate pairs for astral characters), floats in their shortest repr, `NaN`/`Infinity` for the specials.
enum DifferentialJSON {
    /// The JSON text for `value` (tuples become arrays; enum members their name).
    static func encode(_ value: PyValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: PyValue, into out: inout String) {
        switch value {
        case .none: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .int(let number): out += String(number)
        case .bigInt(let text): out += text
        case .float(let number):
            if number.isNaN {
                out += "NaN"
            } else if number.isInfinite {
                out += number < 0 ? "-Infinity" : "Infinity"
            } else {
                out += PythonRepr.repr(number)
            }
        case .str(let text): writeString(text, into: &out)
        case .list(let items), .tuple(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += ", " }
                write(item, into: &out)
            }
            out += "]"
        case .dict(let dict):
            out += "{"
            for (index, entry) in dict.entries.enumerated() {
                if index > 0 { out += ", " }
                writeString(PythonRepr.str(entry.key), into: &out)
                out += ": "
                write(entry.value, into: &out)
            }
            out += "}"
        case .enumMember(_, let name, _): writeString(name, into: &out)
        }
    }

    private static func writeString(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value >= 0x20 && scalar.value < 0x7F {
                    out.unicodeScalars.append(scalar)
                } else {
                    for unit in String(scalar).utf16 {
                        out +=
                            "\\u" + String(repeating: "0", count: 4 - String(unit, radix: 16).count)
                            + String(unit, radix: 16)
                    }
                }
            }
        }
        out += "\""
    }
}
