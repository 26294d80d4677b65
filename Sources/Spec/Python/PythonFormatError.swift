/// Why a `PythonFormat.format` call failed: the exception CPython's `str.format` raises for the same input, plus a
/// one-line message a person can act on.
public struct PythonFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The Python exception class `str.format` raises for this input.
    public enum PythonException: String, Sendable {
        /// An unknown named field (`{name}`).
        case keyError = "KeyError"
        /// A positional field (`{}`, `{0}`) or a string index out of range (`{spec_hash[99]}`).
        case indexError = "IndexError"
        /// Malformed braces, a bad format spec, an unknown conversion, …
        case valueError = "ValueError"
        /// A non-integer index such as `{spec_hash[x]}`.
        case typeError = "TypeError"
        /// Attribute access such as `{spec_hash.upper}`: CPython would embed a method's memory address (or raise
        /// `AttributeError`), so no stable name exists and it is refused.
        case attributeError = "AttributeError"
    }

    /// The exception CPython raises.
    public let exception: PythonException
    /// CPython's exception message, e.g. `'foo'` for a `KeyError` or `Single '}' encountered in format string`.
    public let pythonMessage: String
    /// One line for the user: what is wrong in the template and how to fix it.
    public let message: String

    /// An error.
    public init(_ exception: PythonException, pythonMessage: String, message: String) {
        self.exception = exception
        self.pythonMessage = pythonMessage
        self.message = message
    }

    /// `message`.
    public var description: String { message }
}
