/// A Debian architecture name and what goes with it.
public struct DebianArchitecture: Sendable, Hashable, CustomStringConvertible {
    /// `amd64`, `arm64`, …
    public let name: String

    public init(name: String) {
        self.name = name
    }

    /// The Debian architecture of an OCI platform (`amd64`, `arm64`, `arm` + `v7`, …); nil for one Debian has no
    /// name for.
    public init?(ociArchitecture: String, variant: String? = nil) {
        switch ociArchitecture {
        case "amd64": name = "amd64"
        case "arm64": name = "arm64"
        case "386": name = "i386"
        case "ppc64le": name = "ppc64el"
        case "s390x": name = "s390x"
        case "riscv64": name = "riscv64"
        case "mips64le": name = "mips64el"
        case "arm":
            switch variant {
            case "v5": name = "armel"
            case "v6": return nil
            default: name = "armhf"
            }
        default: return nil
        }
    }

    /// The multiarch triplet (`x86_64-linux-gnu`), the name of the library directories.
    public var multiarchTriplet: String? {
        switch name {
        case "amd64": "x86_64-linux-gnu"
        case "arm64": "aarch64-linux-gnu"
        case "i386": "i386-linux-gnu"
        case "armhf": "arm-linux-gnueabihf"
        case "armel": "arm-linux-gnueabi"
        case "ppc64el": "powerpc64le-linux-gnu"
        case "s390x": "s390x-linux-gnu"
        case "riscv64": "riscv64-linux-gnu"
        case "mips64el": "mips64el-linux-gnuabi64"
        default: nil
        }
    }

    public var description: String { name }
}
