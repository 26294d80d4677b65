extension Platform {
    /// Normalises an OS name (`macos` → `darwin`); others are returned as given (lowercased by the caller).
    static func normalizedOS(_ os: String) -> String {
        os == "macos" ? "darwin" : os
    }

    /// The variant assumed when an architecture has none.
    static func baselineVariant(_ architecture: String) -> String? {
        switch architecture {
        case "arm64": "v8"
        case "arm": "v7"
        case "amd64": "v1"
        default: nil
        }
    }

    /// Normalises an architecture alias and its variant, following the containerd conventions:
    /// `x86_64`/`x86-64` → `amd64`, `aarch64` → `arm64`, `armhf` → `arm` `v7`, `armel` → `arm` `v6`,
    /// `i386`/`i486`/`i586`/`i686` → `386`, and bare variant numbers `7`, `8`, `8.0` → `v7`, `v8`.
    static func normalizedArchitecture(_ architecture: String, variant: String?) -> (String, String?) {
        let variant = variant.map(normalizedVariant)
        switch architecture {
        case "x86_64", "x86-64", "amd64":
            return ("amd64", variant)
        case "aarch64", "arm64":
            return ("arm64", variant)
        case "armhf":
            return ("arm", variant ?? "v7")
        case "armel":
            return ("arm", variant ?? "v6")
        case "arm", "armv7", "armv7l":
            return ("arm", architecture == "arm" ? variant : (variant ?? "v7"))
        case "armv6", "armv6l":
            return ("arm", variant ?? "v6")
        case "i386", "i486", "i586", "i686", "386":
            return ("386", variant)
        default:
            return (architecture, variant)
        }
    }

    /// `8` → `v8`, `8.0` or `v8.0` → `v8`; other strings are returned unchanged.
    static func normalizedVariant(_ variant: String) -> String {
        var value = variant
        if let first = value.first, first.isNumber { value = "v" + value }
        if value.hasSuffix(".0") { value.removeLast(2) }
        return value
    }
}
