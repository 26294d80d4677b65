/// CPython 3.11's `str.format(**arguments)` with string keyword arguments only — what flytekit does with
/// `tag_format.format(spec_hash=…)`.
///
/// Supported exactly as CPython does: literal text with `{{`/`}}`; `{name}`; conversions `!s`, `!r`, `!a`; the
/// string format-spec mini-language (`[[fill]align][0][width][.precision][s]`, e.g. `{spec_hash:.8}`,
/// `{spec_hash:>30}`, `{spec_hash:*^26}`) including nested fields inside the spec (`{spec_hash:>{w}}`); indexing a
/// string with a non-negative integer (`{spec_hash[0]}` is the first character). Every input CPython rejects is
/// rejected with the same exception class and message (`SpecError.pythonMessage`): unknown names
/// (`KeyError`), positional fields `{}`/`{0}` (`IndexError`: there are no positional arguments), unbalanced braces,
/// bad specs such as `{spec_hash:d}` or `{spec_hash:+}` (`ValueError`).
///
/// Deliberate differences: attribute access (`{spec_hash.upper}`) is refused (CPython would print a bound method
/// including its memory address, or raise `AttributeError`), and widths above 1,048,576 are refused instead of
/// building a huge string.
public enum PythonFormat {
    /// The largest width or precision accepted.
    public static let maximumWidth = 1 << 20

    /// `template.format(**arguments)`.
    public static func format(_ template: String, arguments: [String: String]) throws(SpecError) -> String {
        var formatter = PythonFormatter(arguments: arguments)
        let result = try formatter.build(Array(template.unicodeScalars), depth: 2)
        var view = String.UnicodeScalarView()
        view.append(contentsOf: result)
        return String(view)
    }
}
