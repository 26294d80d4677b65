/// Text helpers the modules share (hex, quoting for messages, trimming); `package`, not public API.
extension Sequence<UInt8> {
    /// Lowercase hex of the bytes.
    package var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    /// The string in double quotes with quotes, backslashes and control characters escaped, for error messages.
    package var quotedForMessage: String {
        String(reflecting: String(self))
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs.
    package var trimmingSpaces: SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        let end = lastIndex(where: { !isSpace($0) })!
        return self[start...end]
    }
}
