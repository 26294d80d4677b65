/// A Python value as flytekit holds it in an `ImageSpec` field, precise enough to reproduce CPython's `repr()`.
///
/// Equality is structural and stricter than Python's: strings compare code point by code point (not by Swift's
/// canonical equivalence), floats compare by bit pattern (so `nan == nan` and `0.0 != -0.0`), and `1`, `1.0` and
/// `True` are three different values. That is what a hash input needs: two values are equal iff their `repr` is.
public indirect enum PyValue: Sendable {
    /// `None`.
    case none
    /// `True` / `False`.
    case bool(Bool)
    /// An `int` that fits in `Int`.
    case int(Int)
    /// An `int` too large for `Int`, as its canonical decimal text (`-` sign, no leading zeros), e.g. from YAML.
    /// Build it with `PyValue.integer(decimal:)`, which picks `.int` whenever the value fits.
    case bigInt(String)
    /// A `float` (IEEE 754 double, like CPython's).
    case float(Double)
    /// A `str`.
    case str(String)
    /// A `list`.
    case list([PyValue])
    /// A `tuple`.
    case tuple([PyValue])
    /// A `dict`, in insertion order.
    case dict(PyDict)
    /// An `enum.Enum` member such as `CopyFileDetection.ALL` (repr `<CopyFileDetection.ALL: 2>`).
    case enumMember(typeName: String, name: String, value: Int)
}

extension PyValue {
    /// An `int` from decimal text (optional `+`/`-`, ASCII digits, no separators); `nil` if the text is not that.
    /// Values that fit in `Int` become `.int`, larger ones `.bigInt` with canonical text.
    public static func integer(decimal text: String) -> PyValue? {
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        if let value = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) { return .int(value) }
        let trimmed = digits.drop(while: { $0 == "0" })
        return .bigInt((negative ? "-" : "") + trimmed)
    }

    /// A `dict` from key/value pairs in insertion order. Later duplicates replace the value in place, as a Python
    /// dict literal would.
    public static func dictionary(_ pairs: [(PyValue, PyValue)]) -> PyValue {
        var dict = PyDict()
        for (key, value) in pairs { dict[key] = value }
        return .dict(dict)
    }
}

extension PyValue: Equatable {
    /// Structural equality; see the type's documentation.
    public static func == (lhs: PyValue, rhs: PyValue) -> Bool {
        switch (lhs, rhs) {
        case (.none, .none): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.bigInt(a), .bigInt(b)): return a.utf8.elementsEqual(b.utf8)
        case let (.float(a), .float(b)): return a.bitPattern == b.bitPattern
        case let (.str(a), .str(b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case let (.list(a), .list(b)): return a == b
        case let (.tuple(a), .tuple(b)): return a == b
        case let (.dict(a), .dict(b)): return a == b
        case let (.enumMember(t1, n1, v1), .enumMember(t2, n2, v2)):
            return t1.unicodeScalars.elementsEqual(t2.unicodeScalars)
                && n1.unicodeScalars.elementsEqual(n2.unicodeScalars) && v1 == v2
        default: return false
        }
    }
}

extension PyValue: Hashable {
    /// Hashes consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .none: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .int(let i): hasher.combine(2); hasher.combine(i)
        case .bigInt(let s): hasher.combine(3); for byte in s.utf8 { hasher.combine(byte) }
        case .float(let d): hasher.combine(4); hasher.combine(d.bitPattern)
        case .str(let s): hasher.combine(5); Self.combineScalars(s, into: &hasher)
        case .list(let items): hasher.combine(6); hasher.combine(items)
        case .tuple(let items): hasher.combine(7); hasher.combine(items)
        case .dict(let dict): hasher.combine(8); hasher.combine(dict)
        case let .enumMember(typeName, name, value):
            hasher.combine(9)
            Self.combineScalars(typeName, into: &hasher)
            Self.combineScalars(name, into: &hasher)
            hasher.combine(value)
        }
    }

    private static func combineScalars(_ s: String, into hasher: inout Hasher) {
        hasher.combine(s.unicodeScalars.count)
        for scalar in s.unicodeScalars { hasher.combine(scalar.value) }
    }
}

extension PyValue: CustomStringConvertible {
    /// CPython's `repr()` of the value (see `PythonRepr.repr(_:)`).
    public var description: String { PythonRepr.repr(self) }
}

extension PyValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    /// A `str`.
    public init(stringLiteral value: String) { self = .str(value) }
    /// An `int`.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A `float`.
    public init(floatLiteral value: Double) { self = .float(value) }
    /// A `bool`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// A `list`.
    public init(arrayLiteral elements: PyValue...) { self = .list(elements) }
    /// `None`.
    public init(nilLiteral: ()) { self = .none }
}
