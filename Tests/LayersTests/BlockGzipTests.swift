import Foundation
import Testing

@testable import Layers

/// The block-parallel gzip writer: one valid gzip member whose bytes depend only on the input and the level — not on
/// the number of cores or how the input was chunked — and whose size is that of a single deflate stream.
@Suite struct BlockGzipTests {
    /// Compresses `input` fed in pieces of `chunk` bytes with `parallelism` workers.
    func compress(_ input: [UInt8], level: Int32 = 1, parallelism: Int, chunk: Int) throws -> [UInt8] {
        let compressor = try BlockGzipCompressor(level: level, parallelism: parallelism)
        var output: [UInt8] = []
        var offset = 0
        while offset < input.count {
            let end = min(input.count, offset + chunk)
            let piece = Array(input[offset..<end])
            try piece.withUnsafeBytes { bytes in
                try compressor.compress(bytes) { output += Array($0) }
            }
            offset = end
        }
        try compressor.finish { output += Array($0) }
        return output
    }

    /// Text-like input with repeats far apart (so the dictionaries matter) and some noise.
    static func sample(_ size: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let words = (0..<500).map { index in Array("word\(index * 7919 % 1000) ".utf8) }
        var result: [UInt8] = []
        result.reserveCapacity(size)
        while result.count < size {
            result += words[Int(generator.next() % UInt64(words.count))]
        }
        return Array(result.prefix(size))
    }

    @Test(arguments: [0, 1, BlockGzipCompressor.blockSize, 2 * BlockGzipCompressor.blockSize + 12_345])
    func roundTripsAndIgnoresParallelismAndChunking(_ size: Int) throws {
        let scratch = try Scratch()
        let input = Self.sample(size)
        let reference = try compress(input, parallelism: 1, chunk: 1 << 20)
        for (parallelism, chunk) in [(2, 4096), (3, 333_333), (8, 1 << 22)] {
            #expect(try compress(input, parallelism: parallelism, chunk: chunk) == reference)
        }
        let path = try scratch.file("out.gz", bytes: reference)
        try sh("gzip -t \"$1\"", path)
        let original = try scratch.file("in.bin", bytes: input)
        #expect(try sh("gzip -dc \"$1\" | cmp - \"$2\" && echo same", path, original).stdout == "same\n")
    }

    @Test func sizeMatchesOneDeflateStream() throws {
        let scratch = try Scratch()
        let input = Self.sample(5 * BlockGzipCompressor.blockSize)
        let blocks = try compress(input, parallelism: 2, chunk: 1 << 20)
        let path = try scratch.file("in.bin", bytes: input)
        let single = Int(
            try sh("gzip -1 -n -c \"$1\" | wc -c", path).stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
        #expect(Double(blocks.count) < Double(single) * 1.01, "blocks \(blocks.count) vs gzip -1 \(single)")
    }
}
