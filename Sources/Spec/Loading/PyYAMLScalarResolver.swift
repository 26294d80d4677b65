import Foundation

/// PyYAML's `safe_load` view of a YAML scalar: the YAML 1.1 implicit resolvers of `yaml/resolver.py` and the
/// `SafeConstructor` conversions of `yaml/constructor.py` (PyYAML 6.0), which is what flytekit sees.
///
/// Notable differences from YAML 1.2 (and from Yams' own resolver): `yes/no/on/off` are booleans but `y/n` are not;
/// a float needs a `.` and a signed exponent (`1e3` is a string, `1.0e+3` a float); `010` is octal (8); `1:30` is
/// sexagesimal (90); `_` is allowed in numbers; `2024-01-01` is a timestamp.
enum PyYAMLScalarResolver {
    /// What a scalar turns into.
    enum Resolution: Equatable {
        /// A Python value.
        case value(PyValue)
        /// `tag:yaml.org,2002:timestamp`: a `datetime`/`date`, which no ImageSpec field can hold.
        case timestamp
        /// `<<`, the merge key.
        case merge
        /// `=`, `tag:yaml.org,2002:value`, which `safe_load` cannot construct.
        case valueKey
        /// The explicit tag cannot construct the text (`!!int abc`) or the number does not fit in 64 bits.
        case invalid(String)
        /// A tag `safe_load` does not support for scalars (`!!binary`, `!!python/...`, custom tags).
        case unsupportedTag(String)
    }

    private static let yamlTagPrefix = "tag:yaml.org,2002:"

    /// Resolves a scalar. `plain` is true for an untagged plain scalar (the only kind PyYAML resolves implicitly);
    /// `tag` is the explicit tag, if any (`"!"` means "string").
    static func resolve(_ text: String, plain: Bool, tag: String?) -> Resolution {
        if let tag, tag != "!" {
            return construct(text, tag: tag)
        }
        if !plain || tag == "!" {
            return .value(.str(text))
        }
        return construct(text, tag: implicitTag(of: text))
    }

    /// The implicit tag PyYAML's `Resolver` gives an untagged plain scalar (first matching resolver, in PyYAML's
    /// registration order: bool, float, int, merge, null, timestamp, value).
    static func implicitTag(of text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        if isBool(text) {
            return yamlTagPrefix + "bool"
        }
        if isFloat(scalars) {
            return yamlTagPrefix + "float"
        }
        if isInt(scalars) {
            return yamlTagPrefix + "int"
        }
        if text == "<<" {
            return yamlTagPrefix + "merge"
        }
        if ["~", "null", "Null", "NULL", ""].contains(text) {
            return yamlTagPrefix + "null"
        }
        if isTimestamp(scalars) {
            return yamlTagPrefix + "timestamp"
        }
        if text == "=" {
            return yamlTagPrefix + "value"
        }
        return yamlTagPrefix + "str"
    }

    private static func construct(_ text: String, tag: String) -> Resolution {
        guard tag.hasPrefix(yamlTagPrefix) else {
            return .unsupportedTag(tag)
        }
        switch String(tag.dropFirst(yamlTagPrefix.count)) {
        case "str":
            return .value(.str(text))
        case "null":
            return .value(.none)
        case "bool":
            switch text.lowercased() {
            case "yes", "true", "on": return .value(.bool(true))
            case "no", "false", "off": return .value(.bool(false))
            default: return .invalid("'\(text)' is not a YAML 1.1 boolean")
            }
        case "int":
            return constructInt(text)
        case "float":
            return constructFloat(text)
        case "merge":
            return .merge
        case "timestamp":
            return .timestamp
        case "value":
            return .valueKey
        default:
            return .unsupportedTag(tag)
        }
    }

    // MARK: - Constructors (SafeConstructor.construct_yaml_int / construct_yaml_float)

    private static func constructInt(_ text: String) -> Resolution {
        var value = Substring(text.replacingOccurrences(of: "_", with: ""))
        guard let first = value.first else {
            return .invalid("'' is not an integer")
        }
        let negative = first == "-"
        if first == "-" || first == "+" {
            value.removeFirst()
        }
        var number = DecimalAccumulator()
        if value == "0" {
            // zero
        } else if value.hasPrefix("0b") {
            guard number.add(digits: value.dropFirst(2), radix: 2) else {
                return .invalid("'\(text)' is not a binary integer")
            }
        } else if value.hasPrefix("0x") {
            guard number.add(digits: value.dropFirst(2), radix: 16) else {
                return .invalid("'\(text)' is not a hexadecimal integer")
            }
        } else if value.hasPrefix("0") {
            guard number.add(digits: value, radix: 8) else {
                return .invalid("'\(text)' is not an octal integer")
            }
        } else if value.contains(":") {
            // Sexagesimal: each part is a base-10 number, the whole is base 60.
            for part in value.split(separator: ":", omittingEmptySubsequences: false) {
                var digit = DecimalAccumulator()
                guard digit.add(digits: part, radix: 10) else {
                    return .invalid("'\(text)' is not a sexagesimal integer")
                }
                number.multiply(by: 60)
                number.add(digit)
            }
        } else {
            guard number.add(digits: value, radix: 10) else {
                return .invalid("'\(text)' is not an integer")
            }
        }
        let decimal = (negative && !number.isZero ? "-" : "") + number.decimalText
        return .value(PyValue.integer(decimal: decimal)!)
    }

    private static func constructFloat(_ text: String) -> Resolution {
        var value = text.replacingOccurrences(of: "_", with: "").lowercased()
        guard let first = value.first else {
            return .invalid("'' is not a float")
        }
        let sign: Double = first == "-" ? -1 : 1
        if first == "-" || first == "+" {
            value.removeFirst()
        }
        if value == ".inf" {
            return .value(.float(sign * Double.infinity))
        }
        if value == ".nan" {
            return .value(.float(Double.nan))
        }
        if value.contains(":") {
            var total = 0.0
            var base = 1.0
            for part in value.split(separator: ":", omittingEmptySubsequences: false).reversed() {
                guard let digit = pythonFloat(part) else {
                    return .invalid("'\(text)' is not a float")
                }
                total += digit * base
                base *= 60
            }
            return .value(.float(sign * total))
        }
        guard let parsed = pythonFloat(value[...]) else {
            return .invalid("'\(text)' is not a float")
        }
        return .value(.float(sign * parsed))
    }

    /// Python `float(text)` for the decimal forms the resolver lets through (correctly rounded, like `strtod`).
    private static func pythonFloat(_ text: Substring) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed {
        case "inf", "infinity": return .infinity
        case "nan": return .nan
        default: break
        }
        guard !trimmed.isEmpty,
            trimmed.unicodeScalars.allSatisfy({ $0.isASCII && ("0"..."9" ~= $0 || ".eE+-".unicodeScalars.contains($0)) }
            )
        else {
            return nil
        }
        return Double(trimmed)
    }

    // MARK: - Implicit resolvers (exact transcriptions of PyYAML's regular expressions)

    private static func isBool(_ text: String) -> Bool {
        [
            "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
            "on", "On", "ON", "off", "Off", "OFF",
        ].contains(text)
    }

    /// `[-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)?` | `\.[0-9][0-9_]*([eE][-+][0-9]+)?` |
    /// `[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*` | `[-+]?\.(inf|Inf|INF)` | `\.(nan|NaN|NAN)`
    static func isFloat(_ s: [Unicode.Scalar]) -> Bool {
        var cursor = Cursor(s)
        if [".nan", ".NaN", ".NAN"].contains(String(String.UnicodeScalarView(s))) {
            return true
        }
        let start = cursor
        cursor.optionalSign()
        let afterSign = cursor
        if [".inf", ".Inf", ".INF"].contains(cursor.rest) {
            return true
        }
        // Alternative 1: [0-9][0-9_]* \. [0-9_]* exponent?
        if cursor.digit() {
            cursor.skip(while: isDigitOrUnderscore)
            let afterInteger = cursor
            if cursor.literal(".") {
                cursor.skip(while: isDigitOrUnderscore)
                cursor.optionalExponent()
                if cursor.atEnd {
                    return true
                }
            }
            // Alternative 3: sexagesimal (:[0-5]?[0-9])+ \. [0-9_]*
            cursor = afterInteger
            if cursor.sexagesimalGroups() && cursor.literal(".") {
                cursor.skip(while: isDigitOrUnderscore)
                if cursor.atEnd {
                    return true
                }
            }
        }
        // Alternative 2: \.[0-9][0-9_]* exponent? (no sign allowed)
        cursor = start
        if afterSign.position == start.position, cursor.literal("."), cursor.digit() {
            cursor.skip(while: isDigitOrUnderscore)
            cursor.optionalExponent()
            return cursor.atEnd
        }
        return false
    }

    /// `[-+]?0b[0-1_]+` | `[-+]?0[0-7_]+` | `[-+]?(0|[1-9][0-9_]*)` | `[-+]?0x[0-9a-fA-F_]+` |
    /// `[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+`
    static func isInt(_ s: [Unicode.Scalar]) -> Bool {
        var cursor = Cursor(s)
        cursor.optionalSign()
        let body = cursor.rest.unicodeScalars
        guard let first = body.first else {
            return false
        }
        let tail = body.dropFirst()
        if first == "0" {
            if tail.isEmpty {
                return true
            }
            let afterPrefix = tail.dropFirst()
            if tail.first == "b" {
                return !afterPrefix.isEmpty && afterPrefix.allSatisfy { $0 == "0" || $0 == "1" || $0 == "_" }
            }
            if tail.first == "x" {
                return !afterPrefix.isEmpty
                    && afterPrefix.allSatisfy { $0.isASCII && ($0.properties.isASCIIHexDigit || $0 == "_") }
            }
            return tail.allSatisfy { ("0"..."7").contains($0) || $0 == "_" }
        }
        guard ("1"..."9").contains(first) else {
            return false
        }
        cursor.advance()
        cursor.skip(while: isDigitOrUnderscore)
        if cursor.atEnd {
            return true
        }
        return cursor.sexagesimalGroups() && cursor.atEnd
    }

    /// `[0-9]{4}-[0-9]{2}-[0-9]{2}` |
    /// `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?`
    /// `([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?`
    static func isTimestamp(_ s: [Unicode.Scalar]) -> Bool {
        var cursor = Cursor(s)
        guard cursor.digits(4...4), cursor.literal("-") else {
            return false
        }
        let afterYear = cursor
        if cursor.digits(2...2), cursor.literal("-"), cursor.digits(2...2), cursor.atEnd {
            return true
        }
        cursor = afterYear
        guard cursor.digits(1...2), cursor.literal("-"), cursor.digits(1...2) else {
            return false
        }
        if cursor.literal("T") || cursor.literal("t") {
            // separator consumed
        } else {
            guard cursor.peek == " " || cursor.peek == "\t" else {
                return false
            }
            cursor.skip { $0 == " " || $0 == "\t" }
        }
        guard cursor.digits(1...2), cursor.literal(":"), cursor.digits(2...2), cursor.literal(":"),
            cursor.digits(2...2)
        else {
            return false
        }
        if cursor.literal(".") {
            cursor.skip { ("0"..."9").contains($0) }
        }
        if cursor.atEnd {
            return true
        }
        cursor.skip { $0 == " " || $0 == "\t" }
        if cursor.literal("Z") {
            return cursor.atEnd
        }
        guard cursor.peek == "-" || cursor.peek == "+" else {
            return false
        }
        cursor.advance()
        guard cursor.digits(1...2) else {
            return false
        }
        if cursor.literal(":") {
            guard cursor.digits(2...2) else {
                return false
            }
        }
        return cursor.atEnd
    }

    private static func isDigitOrUnderscore(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || scalar == "_"
    }

    /// A tiny backtrackable cursor over Unicode scalars for the matchers above.
    private struct Cursor {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) {
            self.scalars = scalars
        }

        var atEnd: Bool { position == scalars.count }
        var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }
        var rest: String { String(String.UnicodeScalarView(scalars[position...])) }

        mutating func advance() {
            position += 1
        }

        mutating func optionalSign() {
            if peek == "-" || peek == "+" {
                position += 1
            }
        }

        mutating func literal(_ scalar: Unicode.Scalar) -> Bool {
            guard peek == scalar else {
                return false
            }
            position += 1
            return true
        }

        mutating func digit() -> Bool {
            guard let scalar = peek, ("0"..."9").contains(scalar) else {
                return false
            }
            position += 1
            return true
        }

        /// Exactly `range` ASCII digits (greedy up to the upper bound).
        mutating func digits(_ range: ClosedRange<Int>) -> Bool {
            var count = 0
            while count < range.upperBound, digit() {
                count += 1
            }
            return range.contains(count)
        }

        mutating func skip(while predicate: (Unicode.Scalar) -> Bool) {
            while let scalar = peek, predicate(scalar) {
                position += 1
            }
        }

        /// `([eE][-+][0-9]+)?`
        mutating func optionalExponent() {
            let saved = position
            guard peek == "e" || peek == "E" else {
                return
            }
            position += 1
            guard peek == "-" || peek == "+" else {
                position = saved
                return
            }
            position += 1
            guard digit() else {
                position = saved
                return
            }
            skip { ("0"..."9").contains($0) }
        }

        /// `(:[0-5]?[0-9])+`, greedy; true if at least one group matched.
        mutating func sexagesimalGroups() -> Bool {
            var matched = false
            while peek == ":" {
                let saved = position
                position += 1
                guard let firstDigit = peek, ("0"..."9").contains(firstDigit) else {
                    position = saved
                    break
                }
                position += 1
                if ("0"..."5").contains(firstDigit), let second = peek, ("0"..."9").contains(second) {
                    position += 1
                }
                matched = true
            }
            return matched
        }
    }
}
