import Crypto
import Foundation

/// The small hash helpers of flytekit's `ImageSpec.id` / `ImageSpec.tag`.
public enum FlytekitHash {
    /// `base64.urlsafe_b64encode(hashlib.md5(s.encode("utf-8")).digest()).decode("ascii").rstrip("=")`: 22
    /// characters of `A–Z a–z 0–9 - _` (flytekit's `ImageSpec.id`; the tag then replaces `-` with `_`).
    public static func md5Base64URL(_ string: String) -> String {
        md5Base64URL(bytes: Array(string.utf8))
    }

    /// The same for raw bytes.
    public static func md5Base64URL(bytes: some DataProtocol) -> String {
        let digest = Insecure.MD5.hash(data: bytes)
        var text = Data(digest).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// `hashlib.sha1(data.strip()).hexdigest()` — flytekit's digest of a `requirements` file. Python's
    /// `bytes.strip()` removes only ASCII whitespace (space, `\t`, `\n`, `\r`, `\x0b`, `\x0c`) at both ends; a BOM,
    /// a no-break space or CRLFs inside the file are kept.
    public static func sha1HexOfStripped(_ data: some DataProtocol) -> String {
        let bytes = Array(data)
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else {
            return hex(Insecure.SHA1.hash(data: [UInt8]()))
        }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        return hex(Insecure.SHA1.hash(data: bytes[first...last]))
    }

    /// The lowercase hex of a digest (`hexdigest()`).
    static func hex(_ digest: some Digest) -> String {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(Insecure.MD5.byteCount * 2)
        for byte in digest {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
