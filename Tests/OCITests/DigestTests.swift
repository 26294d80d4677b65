import Foundation
import Testing

@testable import OCI

@Suite("Digest")
struct DigestTests {
    static let valid: [String] = [
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha256:" + String(repeating: "0", count: 64),
        "sha512:" + String(repeating: "f", count: 128),
    ]

    @Test("accepts sha256 and sha512", arguments: valid)
    func accepts(_ string: String) throws {
        let digest = try Digest(string)
        #expect(digest.description == string)
        #expect(digest.algorithm == String(string.prefix { $0 != ":" }))
        #expect(digest.encoded.count == (digest.algorithm == "sha256" ? 64 : 128))
    }

    static let invalid: [(String, String)] = [
        ("", "expected \"sha256:<64 hex characters>\""),
        ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "expected \"sha256:"),
        (":abc", "missing algorithm"),
        ("sha256:", "missing hex"),
        ("SHA256:" + String(repeating: "a", count: 64), "algorithm must be lowercase"),
        ("sha384:" + String(repeating: "a", count: 96), "unsupported algorithm \"sha384\""),
        ("sha256:" + String(repeating: "a", count: 63), "sha256 needs 64 hex characters, got 63"),
        ("sha256:" + String(repeating: "a", count: 65), "sha256 needs 64 hex characters, got 65"),
        ("sha512:" + String(repeating: "a", count: 64), "sha512 needs 128 hex characters, got 64"),
        ("sha256:" + String(repeating: "A", count: 64), "hex must be lowercase"),
        ("sha256:" + String(repeating: "g", count: 64), "invalid character \"g\""),
        ("sha256:" + String(repeating: "a", count: 63) + "\n", "invalid character \"\\n\""),
    ]

    @Test("rejects malformed digests with one line naming the input", arguments: invalid)
    func rejects(_ string: String, _ phrase: String) {
        do {
            _ = try Digest(string)
            Issue.record("expected an error for \(string)")
        } catch {
            #expect(error.message.hasPrefix("invalid digest \(String(reflecting: string)): "))
            #expect(error.message.contains(phrase), "\(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    /// FIPS 180-2 test vectors.
    static let vectors: [(input: String, sha256: String, sha512Prefix: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "cf83e1357eefb8bd"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "ddaf35a193617aba"),
    ]

    @Test("hashes known vectors", arguments: vectors)
    func knownVectors(_ vector: (input: String, sha256: String, sha512Prefix: String)) {
        let bytes = Data(vector.input.utf8)
        #expect(Digest.sha256(bytes).description == "sha256:" + vector.sha256)
        #expect(Digest.sha512(bytes).encoded.hasPrefix(vector.sha512Prefix))
        #expect(Digest.sha512(bytes).encoded.count == 128)
    }

    @Test("streaming hasher equals one-shot hash for any chunking", arguments: [1, 7, 4096, 100_000])
    func streaming(chunkSize: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<50_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        var hasher = DigestHasher()
        var hasher512 = DigestHasher(algorithmOf: Digest.sha512(Data()))
        var offset = 0
        while offset < data.count {
            let chunk = data[offset..<min(offset + chunkSize, data.count)]
            if offset.isMultiple(of: 2) {
                hasher.update(chunk)
                hasher512.update(chunk)
            } else {
                chunk.withUnsafeBytes { hasher.update($0) }
                chunk.withUnsafeBytes { hasher512.update($0) }
            }
            offset += chunkSize
        }
        #expect(hasher.finalize() == Digest.sha256(data))
        #expect(hasher512.finalize() == Digest.sha512(data))
        #expect(hasher.count == Int64(data.count))
    }

    @Test func hashMatchesSystemSha256sum() throws {
        let data = Data((0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oci-digest-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("blob")
        try data.write(to: file)
        let output = try run("/usr/bin/sha256sum", [file.path])
        let expected = String(output.prefix(64))
        #expect(Digest.sha256(data).encoded == expected)
    }

    @Test func codableAsString() throws {
        let digest = Digest.sha256(Data("hello".utf8))
        let json = try JSONEncoder().encode([digest])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(digest)\"]")
        #expect(try JSONDecoder().decode([Digest].self, from: json) == [digest])

        let bad = Data("[\"sha256:XYZ\"]".utf8)
        do {
            _ = try JSONDecoder().decode([Digest].self, from: bad)
            Issue.record("expected a decoding error")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("invalid digest \"sha256:XYZ\""))
        }
    }

    @Test func recomputeUsesTheSameAlgorithm() throws {
        let data = Data("payload".utf8)
        #expect(Digest.sha512(data).recompute(data) == Digest.sha512(data))
        #expect(Digest.sha256(data).recompute(data) == Digest.sha256(data))
    }
}
