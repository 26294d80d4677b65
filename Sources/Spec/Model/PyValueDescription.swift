/// Words for Python values in error messages: "a string", "an integer", "a list", …
enum PyValueDescription {
    /// An article and a noun for the value's type, as a YAML/JSON author thinks of it.
    static func kind(of value: PyValue) -> String {
        switch value {
        case .none: "null"
        case .bool: "a boolean"
        case .int, .bigInt: "an integer"
        case .float: "a number"
        case .str: "a string"
        case .list: "a list"
        case .tuple: "a tuple"
        case .dict: "a mapping"
        case .enumMember: "an enum member"
        }
    }

    /// Python truthiness (`bool(value)`).
    static func isTruthy(_ value: PyValue?) -> Bool {
        guard let value else {
            return false
        }
        switch value {
        case .none: return false
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .bigInt: return true
        case .float(let number): return number != 0
        case .str(let text): return !text.isEmpty
        case .list(let items), .tuple(let items): return !items.isEmpty
        case .dict(let dict): return dict.count > 0
        case .enumMember: return true
        }
    }

    /// Python `str(value)`: the text itself for a `str`, `repr(value)` otherwise.
    static func str(_ value: PyValue) -> String {
        if case .str(let text) = value {
            return text
        }
        return PythonRepr.repr(value)
    }

    /// Python's type name for `value` (`'int'`, `'NoneType'`), for flytekit-style messages.
    static func pythonTypeName(_ value: PyValue) -> String {
        switch value {
        case .none: "NoneType"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .str: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .enumMember(let typeName, _, _): typeName
        }
    }
}
