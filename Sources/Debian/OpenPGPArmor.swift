import Foundation

/// ASCII-armored OpenPGP keys (`.asc`) to the binary form apt's gpgv keyrings need (RFC 4880 §6.2).
public enum OpenPGPArmor {
    /// Whether `bytes` start like an armored block rather than a binary keyring.
    public static func isArmored(_ bytes: [UInt8]) -> Bool {
        String(decoding: bytes.prefix(4096), as: UTF8.self).contains("-----BEGIN PGP")
    }

    /// The binary packets of every armored block in `text`, concatenated.
    ///
    /// - Throws: ``DebianError`` when a block is not closed or its base64 is broken.
    public static func dearmor(_ text: String, file: String) throws(DebianError) -> [UInt8] {
        var output: [UInt8] = []
        var body: String?
        var inHeaders = false
        var found = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("-----BEGIN PGP") {
                body = ""
                inHeaders = true
                found = true
                continue
            }
            guard var current = body else { continue }
            if line.hasPrefix("-----END PGP") {
                guard let data = Data(base64Encoded: current) else {
                    throw DebianError(.malformed, "\(file): the armored key's base64 is broken")
                }
                output += data
                body = nil
                continue
            }
            if inHeaders {
                if line.isEmpty {
                    inHeaders = false
                } else if !line.contains(":") {
                    // No header lines at all: this line is already base64.
                    inHeaders = false
                    current += line
                }
                body = current
                continue
            }
            if line.hasPrefix("=") { continue }  // The CRC-24 checksum line.
            current += line
            body = current
        }
        guard found, body == nil else {
            throw DebianError(.malformed, "\(file): not an armored OpenPGP key (or its END line is missing)")
        }
        return output
    }
}
