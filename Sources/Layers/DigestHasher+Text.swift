import OCI

extension DigestHasher {
    /// Adds the UTF-8 bytes of `text`.
    mutating func update(text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }
}
