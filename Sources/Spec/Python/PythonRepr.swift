/// CPython 3.11's `repr()`, `ascii()` and `str()` for `PyValue`, byte for byte.
///
/// flytekit's image tag is the md5 of `str(dict_of_fields)`, which is the `repr` of every key and value, so the
/// output here must match CPython exactly: string quote choice and escapes (with CPython 3.11's Unicode 14.0
/// `isprintable`), the shortest round-trip float repr, and the container punctuation.
public enum PythonRepr {
    /// `repr(v)`.
    public static func repr(_ value: PyValue) -> String {
        var out = ""
        write(value, asciiOnly: false, into: &out)
        return out
    }

    /// `ascii(v)`: like `repr`, but every non-ASCII code point is escaped (`\xNN`, `\uNNNN`, `\UNNNNNNNN`).
    public static func ascii(_ value: PyValue) -> String {
        var out = ""
        write(value, asciiOnly: true, into: &out)
        return out
    }

    /// `str(v)`: the string itself for `.str`, `repr` for everything else (containers show their items' `repr`).
    public static func str(_ value: PyValue) -> String {
        if case .str(let s) = value { return s }
        return repr(value)
    }

    /// `repr(s)` for a string.
    public static func repr(_ string: String) -> String {
        var out = ""
        writeString(string, asciiOnly: false, into: &out)
        return out
    }

    /// `repr(x)` for a float: the shortest string that round-trips, in CPython's layout.
    public static func repr(_ double: Double) -> String { PythonFloatRepr.repr(double) }

    private static func write(_ value: PyValue, asciiOnly: Bool, into out: inout String) {
        switch value {
        case .none:
            out += "None"
        case .bool(let b):
            out += b ? "True" : "False"
        case .int(let i):
            out += String(i)
        case .bigInt(let digits):
            out += digits
        case .float(let d):
            out += PythonFloatRepr.repr(d)
        case .str(let s):
            writeString(s, asciiOnly: asciiOnly, into: &out)
        case .list(let items):
            out += "["
            writeItems(items, asciiOnly: asciiOnly, into: &out)
            out += "]"
        case .tuple(let items):
            out += "("
            writeItems(items, asciiOnly: asciiOnly, into: &out)
            if items.count == 1 { out += "," }
            out += ")"
        case .dict(let dict):
            out += "{"
            for (index, entry) in dict.entries.enumerated() {
                if index > 0 { out += ", " }
                write(entry.key, asciiOnly: asciiOnly, into: &out)
                out += ": "
                write(entry.value, asciiOnly: asciiOnly, into: &out)
            }
            out += "}"
        case let .enumMember(typeName, name, number):
            // Enum.__repr__: "<%s.%s: %r>" with the class name, member name and value repr, none of them escaped.
            out += "<\(typeName).\(name): \(number)>"
        }
    }

    private static func writeItems(_ items: [PyValue], asciiOnly: Bool, into out: inout String) {
        for (index, item) in items.enumerated() {
            if index > 0 { out += ", " }
            write(item, asciiOnly: asciiOnly, into: &out)
        }
    }

    /// CPython's `unicode_repr`: quote choice, then per code point escape or copy.
    private static func writeString(_ string: String, asciiOnly: Bool, into out: inout String) {
        var hasSingle = false
        var hasDouble = false
        for byte in string.utf8 {
            if byte == UInt8(ascii: "'") { hasSingle = true } else if byte == UInt8(ascii: "\"") { hasDouble = true }
        }
        let quote: Unicode.Scalar = hasSingle && !hasDouble ? "\"" : "'"
        var scalars = String.UnicodeScalarView()
        scalars.append(quote)
        for scalar in string.unicodeScalars {
            let value = scalar.value
            if scalar == quote || scalar == "\\" {
                scalars.append("\\")
                scalars.append(scalar)
            } else if scalar == "\t" {
                scalars.append(contentsOf: "\\t".unicodeScalars)
            } else if scalar == "\n" {
                scalars.append(contentsOf: "\\n".unicodeScalars)
            } else if scalar == "\r" {
                scalars.append(contentsOf: "\\r".unicodeScalars)
            } else if value < 0x20 || value == 0x7F {
                appendHexEscape(value, marker: "x", digits: 2, to: &scalars)
            } else if value < 0x7F {
                scalars.append(scalar)
            } else if !asciiOnly && PythonUnicode.isPrintable(value) {
                scalars.append(scalar)
            } else if value <= 0xFF {
                appendHexEscape(value, marker: "x", digits: 2, to: &scalars)
            } else if value <= 0xFFFF {
                appendHexEscape(value, marker: "u", digits: 4, to: &scalars)
            } else {
                appendHexEscape(value, marker: "U", digits: 8, to: &scalars)
            }
        }
        scalars.append(quote)
        out.unicodeScalars.append(contentsOf: scalars)
    }

    private static func appendHexEscape(
        _ value: UInt32, marker: Unicode.Scalar, digits: Int, to scalars: inout String.UnicodeScalarView
    ) {
        let hex: [Unicode.Scalar] = Array("0123456789abcdef".unicodeScalars)
        scalars.append("\\")
        scalars.append(marker)
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            scalars.append(hex[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}
