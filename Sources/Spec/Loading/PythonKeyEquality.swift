/// Python's `==` for dict keys, which decides which YAML/JSON keys collide: `1`, `1.0` and `True` are the same key,
/// strings compare code point by code point.
enum PythonKeyEquality {
    /// Whether Python would treat `a` and `b` as the same dict key.
    static func same(_ a: PyValue, _ b: PyValue) -> Bool {
        if case .int(let x) = a, case .int(let y) = b {
            return x == y
        }
        if let x = number(a), let y = number(b) {
            return x == y
        }
        switch (a, b) {
        case (.none, .none): return true
        case let (.str(x), .str(y)): return x.unicodeScalars.elementsEqual(y.unicodeScalars)
        case let (.bigInt(x), .bigInt(y)): return x == y
        case let (.tuple(x), .tuple(y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default: return false
        }
    }

    /// Whether Python can use `value` as a dict key (lists and dicts are unhashable).
    static func isHashable(_ value: PyValue) -> Bool {
        switch value {
        case .list, .dict: false
        case .tuple(let items): items.allSatisfy(isHashable)
        default: true
        }
    }

    private static func number(_ value: PyValue) -> Double? {
        switch value {
        case .bool(let flag): flag ? 1 : 0
        case .int(let number): Double(exactly: number) ?? nil
        case .float(let number): number
        default: nil
        }
    }
}
