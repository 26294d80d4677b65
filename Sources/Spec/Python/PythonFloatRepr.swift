/// CPython's `float.__repr__` (`PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0)`): the shortest digit string
/// that round-trips, laid out positionally when the decimal exponent is in −4 … 15 (`0.0001`,
/// `1234567890123456.0`) and in exponent form otherwise (`1e-05`, `1e+16`, `1.5e+300`), with at least two exponent
/// digits and `.0` added to integral positional values.
///
/// The digits come from Swift's `Double.description`, which is also the shortest round-trip representation
/// closest to the exact value; only the layout is re-done here.
enum PythonFloatRepr {
    static func repr(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let (digits, pointPosition) = shortestDigits(abs(value))
        let sign = value < 0 ? "-" : ""
        // `pointPosition` is CPython's `decpt`: value = 0.d1d2d3… × 10^decpt.
        if pointPosition > -4 && pointPosition <= 16 {
            if pointPosition <= 0 {
                return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
            }
            if pointPosition >= digits.count {
                return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
            }
            let split = digits.index(digits.startIndex, offsetBy: pointPosition)
            return sign + digits[..<split] + "." + digits[split...]
        }
        let exponent = pointPosition - 1
        var mantissa = String(digits.prefix(1))
        if digits.count > 1 { mantissa += "." + digits.dropFirst() }
        let magnitude = String(abs(exponent))
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
    }

    /// The significant digits (no leading or trailing zeros) and the decimal point position of a positive finite
    /// double, parsed from Swift's shortest round-trip `description` (`"0.1"`, `"1e-05"`, `"1.2345e+22"`).
    static func shortestDigits(_ value: Double) -> (digits: String, pointPosition: Int) {
        let text = value.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...])!
        }
        var allDigits = ""
        var pointPosition = 0
        var seenPoint = false
        for character in mantissa {
            if character == "." {
                seenPoint = true
            } else {
                allDigits.append(character)
                if !seenPoint { pointPosition += 1 }
            }
        }
        let leadingZeros = allDigits.prefix(while: { $0 == "0" }).count
        var digits = String(allDigits.dropFirst(leadingZeros))
        pointPosition -= leadingZeros
        while digits.hasSuffix("0") { digits.removeLast() }
        return (digits, pointPosition + exponent)
    }
}
