extension SpecError {
    /// The Python exception class flytekit (or CPython's `str.format`) raises for the same input.
    public enum PythonException: String, Sendable, Hashable {
        /// An unknown named field in a format string (`{name}`).
        case keyError = "KeyError"
        /// A positional format field (`{}`, `{0}`) or a string index out of range (`{spec_hash[99]}`).
        case indexError = "IndexError"
        /// A value flytekit rejects; malformed braces, a bad format spec, an unknown conversion, …
        case valueError = "ValueError"
        /// A value of the wrong type, a non-string keyword, or a non-integer index such as `{spec_hash[x]}`.
        case typeError = "TypeError"
        /// A value without the attribute flytekit reads, or attribute access in a format string such as
        /// `{spec_hash.upper}` (CPython would embed a method's memory address, so no stable name exists).
        case attributeError = "AttributeError"
        /// A file the name depends on is missing.
        case fileNotFoundError = "FileNotFoundError"
        /// A path that should be a directory is not one.
        case notADirectoryError = "NotADirectoryError"
        /// A path that should be a file is a directory.
        case isADirectoryError = "IsADirectoryError"
        /// A file the name depends on cannot be read for lack of permission.
        case permissionError = "PermissionError"
    }
}
