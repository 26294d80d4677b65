/// The grammar of `org.opencontainers.image.ref.name` in an OCI image layout's `index.json` (image-spec,
/// annotations): `component ("/" component)*`, a component being alphanumeric runs joined by one of `-._:@+` or
/// `--`. flytekit's tags are URL-safe base64 and may start with `_` or `-` or hold `__`, which this grammar (and so
/// skopeo's and umoci's `oci:DIR:REF` parsing) rejects.
public enum LayoutRefName {
    /// Whether `name` may be written as `org.opencontainers.image.ref.name`.
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        return name.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(isValidComponent)
    }

    private static func isValidComponent(_ component: Substring) -> Bool {
        var previousWasAlphanumeric = false
        var separatorRun = ""
        for character in component {
            if character.isASCII && (character.isLetter || character.isNumber) {
                previousWasAlphanumeric = true
                separatorRun = ""
            } else if "-._:@+".contains(character) {
                // A separator needs an alphanumeric before it (or is the second `-` of `--`).
                guard previousWasAlphanumeric || !separatorRun.isEmpty else { return false }
                previousWasAlphanumeric = false
                separatorRun.append(character)
                guard separatorRun.count == 1 || separatorRun == "--" else { return false }
            } else {
                return false
            }
        }
        return previousWasAlphanumeric
    }
}
