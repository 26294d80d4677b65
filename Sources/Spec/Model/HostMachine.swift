#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The host's machine name as Python's `platform.machine()` reports it (`uname -m`: `x86_64`, `aarch64`, `arm64`).
///
/// flytekit defaults `platform` to `linux/arm64` only when the registry starts with `localhost:` and this value,
/// lowercased, is `arm64` or `aarch64`.
public enum HostMachine {
    /// `uname().machine` of the running host.
    public static var current: String {
        var info = utsname()
        guard uname(&info) == 0 else {
            return ""
        }
        return withUnsafeBytes(of: &info.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Whether flytekit treats `machine` as an ARM64 host.
    public static func isARM64(_ machine: String) -> Bool {
        let lowered = PythonUnicode.lower(machine)
        return lowered == "arm64" || lowered == "aarch64"
    }
}
