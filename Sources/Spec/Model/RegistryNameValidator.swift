/// flytekit's `validate_container_registry_name`: `re.match` of
/// `^(localhost:\d{1,5}|([a-z\d\._-]+)(:\d{1,5})?)(/[\w\.-]+)*$` with Python `re` semantics.
///
/// The pattern is regular, so this checks membership directly: `\d` is any Unicode decimal digit, `\w` any
/// Unicode letter or number or `_`, and `$` also matches just before one trailing `"\n"`.
enum RegistryNameValidator {
    /// Whether flytekit accepts `name` (already lowercased) as a registry.
    static func isValid(_ name: String) -> Bool {
        var scalars = Array(name.unicodeScalars)
        if matches(scalars) {
            return true
        }
        if scalars.last == "\n" {
            scalars.removeLast()
            return matches(scalars)
        }
        return false
    }

    private static func matches(_ scalars: [Unicode.Scalar]) -> Bool {
        let host: ArraySlice<Unicode.Scalar>
        let path: ArraySlice<Unicode.Scalar>
        if let slash = scalars.firstIndex(of: "/") {
            host = scalars[..<slash]
            path = scalars[slash...]
        } else {
            host = scalars[...]
            path = []
        }
        return hostMatches(host) && pathMatches(path)
    }

    /// `localhost:\d{1,5}` or `[a-z\d\._-]+(:\d{1,5})?` (the first is a special case of the second).
    private static func hostMatches(_ host: ArraySlice<Unicode.Scalar>) -> Bool {
        let parts = host.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = parts.first, !name.isEmpty, name.allSatisfy(isHostCharacter) else {
            return false
        }
        guard parts.count == 2 else {
            return true
        }
        let port = parts[1]
        return (1...5).contains(port.count) && port.allSatisfy(isDecimalDigit)
    }

    /// `(/[\w\.-]+)*`
    private static func pathMatches(_ path: ArraySlice<Unicode.Scalar>) -> Bool {
        guard !path.isEmpty else {
            return true
        }
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        return segments.allSatisfy { segment in
            !segment.isEmpty && segment.allSatisfy { isWordCharacter($0) || $0 == "." || $0 == "-" }
        }
    }

    private static func isHostCharacter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || scalar == "." || scalar == "_" || scalar == "-" || isDecimalDigit(scalar)
    }

    /// Python `\d` for `str` patterns: Unicode category Nd.
    private static func isDecimalDigit(_ scalar: Unicode.Scalar) -> Bool {
        PythonUnicode.decimalValue(scalar.value) != nil
    }

    /// Python `\w` for `str` patterns: `str.isalnum()` (letters and numbers) or `_`. Answered from the Swift
    /// standard library's Unicode tables, so characters assigned after Unicode 14.0 may differ from CPython 3.11.
    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" {
            return true
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return scalar.properties.numericType != nil
        }
    }
}
