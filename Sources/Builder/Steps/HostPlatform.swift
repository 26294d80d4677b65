import Foundation

/// The platform of the machine imagespec runs on.
enum HostPlatform {
    /// The OCI architecture of this machine (`amd64`, `arm64`, …), from `uname -m`.
    static let architecture: String = {
        var names = utsname()
        uname(&names)
        let machine = withUnsafeBytes(of: &names.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        switch machine {
        case "x86_64": return "amd64"
        case "aarch64", "arm64": return "arm64"
        case "armv7l", "armv6l": return "arm"
        case "i686", "i386": return "386"
        default: return machine
        }
    }()
}
