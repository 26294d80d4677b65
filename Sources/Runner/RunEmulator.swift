import Foundation

/// A user-mode emulator (qemu-user-static) that runs binaries of a foreign architecture, registered in a private
/// binfmt_misc instance for the run only.
public struct RunEmulator: Sendable, Hashable {
    /// The host path of the static interpreter, e.g. `/usr/bin/qemu-aarch64-static`.
    public var interpreter: String
    /// The ELF header bytes binfmt_misc matches.
    public var magic: [UInt8]
    /// The mask applied to the header before comparing with ``magic``.
    public var mask: [UInt8]
    /// The binfmt_misc entry name, e.g. `qemu-aarch64`.
    public var name: String

    /// Creates an emulator description.
    public init(interpreter: String, magic: [UInt8], mask: [UInt8], name: String) {
        self.interpreter = interpreter
        self.magic = magic
        self.mask = mask
        self.name = name
    }

    /// The ELF magic and mask of qemu's binfmt entry for aarch64 (little-endian, 64-bit, EM_AARCH64).
    static let aarch64Magic: [UInt8] = [
        0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x02, 0x00, 0xb7, 0x00,
    ]
    static let aarch64Mask: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xfe, 0xff, 0xff, 0xff,
    ]

    /// The emulator for an OCI architecture name (`arm64`/`aarch64`), found on this host.
    ///
    /// - Throws: ``RunError`` `.noEmulator` when the architecture is not supported or qemu-user-static is not
    ///   installed.
    public static func forArchitecture(_ architecture: String) throws(RunError) -> RunEmulator {
        switch architecture {
        case "arm64", "aarch64":
            let candidates = ["/usr/bin/qemu-aarch64-static", "/usr/libexec/qemu-binfmt/aarch64-binfmt-P"]
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
                throw RunError(
                    .noEmulator,
                    "no emulator for linux/\(architecture): install qemu-user-static (apt-get install qemu-user-static)"
                )
            }
            return RunEmulator(interpreter: found, magic: aarch64Magic, mask: aarch64Mask, name: "qemu-aarch64")
        default:
            throw RunError(
                .noEmulator, "running linux/\(architecture) steps is not supported; only arm64 can be emulated")
        }
    }

    /// The binfmt_misc registration line (`:name:M::magic:mask:interpreter:F`), bytes escaped as `\xNN`.
    var registration: String {
        func escaped(_ bytes: [UInt8]) -> String {
            bytes.map { String(format: "\\x%02x", $0) }.joined()
        }
        return ":\(name):M::\(escaped(magic)):\(escaped(mask)):\(interpreter):F"
    }
}
