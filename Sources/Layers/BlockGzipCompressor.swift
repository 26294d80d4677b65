import CZlib
import Dispatch
import Foundation

/// gzip through the system zlib, compressed in independent 1 MiB blocks on every core (the way pigz does it), with a
/// reproducible header.
///
/// The output is one ordinary gzip member: each block is a raw deflate stream primed with the 32 KiB of input before
/// it (`deflateSetDictionary`, so matches across block boundaries are kept and the ratio is that of one stream) and
/// ended with a sync flush; the last (possibly empty) block finishes the stream; the trailer carries the CRC-32 of
/// the whole input (`crc32_combine` of the blocks') and its size. How the input is cut into blocks depends only on
/// its length, never on the number of cores or how the input arrived, so the bytes depend only on the input, the
/// level and the zlib version.
///
/// The header has no file name, no comment, MTIME 0 and OS byte 255 ("unknown"). Memory: about two blocks of input
/// and output per core.
final class BlockGzipCompressor: StreamCompressor {
    /// Input bytes per block.
    static let blockSize = 1 << 20
    /// Bytes of preceding input each block is primed with (deflate's window).
    static let dictionarySize = 32 << 10

    private let level: Int32
    private let parallelism: Int
    /// Up to `parallelism` blocks of pending input, preceded by the dictionary for the first of them.
    private var batch: [UInt8]
    /// How many bytes at the start of `batch` are dictionary, not input.
    private var dictionaryLength = 0
    private var crc: uLong = crc32(0, nil, 0)
    private var total: UInt64 = 0
    private var headerWritten = false

    init(level: Int32, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount) throws(LayerError) {
        guard (0...9).contains(level) else {
            throw LayerError(.compression, "gzip level \(level) is out of range; use 0…9")
        }
        self.level = level
        self.parallelism = max(1, parallelism)
        batch = []
        batch.reserveCapacity(Self.dictionarySize + self.parallelism * Self.blockSize)
    }

    func compress(
        _ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void
    ) throws(LayerError) {
        var offset = 0
        while offset < input.count {
            let capacity = dictionaryLength + parallelism * Self.blockSize
            let count = min(capacity - batch.count, input.count - offset)
            batch.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + count)]))
            offset += count
            if batch.count == capacity {
                try flushBlocks(count: parallelism, finishing: false, emit: emit)
            }
        }
    }

    func finish(emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void) throws(LayerError) {
        let full = (batch.count - dictionaryLength) / Self.blockSize
        // The full blocks with a sync flush, then the rest (possibly nothing) as the final block.
        try flushBlocks(count: full + 1, finishing: true, emit: emit)
        var trailer = [UInt8](repeating: 0, count: 8)
        let crcValue = UInt32(truncatingIfNeeded: crc)
        let size = UInt32(truncatingIfNeeded: total)
        for index in 0..<4 {
            trailer[index] = UInt8(truncatingIfNeeded: crcValue >> (8 * index))
            trailer[4 + index] = UInt8(truncatingIfNeeded: size >> (8 * index))
        }
        try Self.emit(trailer, to: emit)
    }

    /// Compresses the first `count` blocks of the batch concurrently and emits them in order; with `finishing`, the
    /// last of them is whatever input is left and ends the stream. Keeps the last 32 KiB as the next dictionary.
    private func flushBlocks(
        count: Int, finishing: Bool, emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void
    ) throws(LayerError) {
        if !headerWritten {
            // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL OS=255; XFL as zlib sets it (4: fastest, 2: best).
            let extraFlags: UInt8 = level == 9 ? 2 : (level < 2 ? 4 : 0)
            let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, 255]
            try Self.emit(header, to: emit)
            headerWritten = true
        }
        let inputEnd = batch.count
        let dictionaryLength = self.dictionaryLength
        let level = self.level
        var results = [BlockResult?](repeating: nil, count: count)
        batch.withUnsafeBytes { all in
            results.withUnsafeMutableBufferPointer { slots in
                // Each iteration reads its own input range and writes its own slot; both outlive the call.
                let shared = SharedBuffers(input: all, slots: slots)
                let work: @Sendable (Int) -> Void = { index in
                    let all = shared.input
                    let slots = shared.slots
                    let start = dictionaryLength + index * Self.blockSize
                    let end = finishing && index == count - 1 ? inputEnd : min(inputEnd, start + Self.blockSize)
                    let dictionaryStart = max(0, start - Self.dictionarySize)
                    slots[index] = Self.deflateBlock(
                        level: level, input: UnsafeRawBufferPointer(rebasing: all[start..<end]),
                        dictionary: UnsafeRawBufferPointer(rebasing: all[dictionaryStart..<start]),
                        last: finishing && index == count - 1)
                }
                if count == 1 {
                    work(0)
                } else {
                    DispatchQueue.concurrentPerform(iterations: count, execute: work)
                }
            }
        }
        for result in results {
            guard let result, result.status == Z_OK || result.status == Z_STREAM_END else {
                throw LayerError(.compression, "zlib deflate failed (\(results.compactMap { $0?.status }))")
            }
            try Self.emit(result.output, to: emit)
            crc = crc32_combine(crc, result.crc, .init(result.inputSize))
            total += UInt64(result.inputSize)
        }
        // Keep the last dictionarySize bytes of input for the next block.
        let keep = min(Self.dictionarySize, inputEnd)
        batch.removeFirst(inputEnd - keep)
        self.dictionaryLength = keep
    }

    /// Calls `emit` with the bytes of `array`.
    private static func emit(
        _ array: [UInt8], to emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void
    ) throws(LayerError) {
        let result = array.withUnsafeBytes { bytes in
            Result { () throws(LayerError) in try emit(bytes) }
        }
        try result.get()
    }

    /// The batch and the result slots, handed to the worker threads of one `concurrentPerform`.
    private struct SharedBuffers: @unchecked Sendable {
        let input: UnsafeRawBufferPointer
        let slots: UnsafeMutableBufferPointer<BlockResult?>
    }

    private struct BlockResult {
        var output: [UInt8]
        var crc: uLong
        var inputSize: Int
        var status: Int32
    }

    /// One block as a raw deflate stream primed with `dictionary`, ended by a sync flush (or, when `last`, the end
    /// of the stream).
    private static func deflateBlock(
        level: Int32, input: UnsafeRawBufferPointer, dictionary: UnsafeRawBufferPointer, last: Bool
    ) -> BlockResult {
        var stream = z_stream()
        var status = deflateInit2_(
            &stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { return BlockResult(output: [], crc: 0, inputSize: 0, status: status) }
        defer { deflateEnd(&stream) }
        if dictionary.count > 0 {
            status = deflateSetDictionary(
                &stream, dictionary.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(dictionary.count))
            guard status == Z_OK else { return BlockResult(output: [], crc: 0, inputSize: 0, status: status) }
        }
        // deflateBound covers the data; a sync flush or the final empty block add a few bytes more.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 64)
        var produced = 0
        output.withUnsafeMutableBytes { out in
            stream.next_in = input.baseAddress.map {
                UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
            }
            stream.avail_in = uInt(input.count)
            stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(out.count)
            status = deflate(&stream, last ? Z_FINISH : Z_SYNC_FLUSH)
            produced = out.count - Int(stream.avail_out)
        }
        if stream.avail_in != 0 || (last && status != Z_STREAM_END) {
            status = Z_BUF_ERROR
        }
        output.removeLast(output.count - produced)
        let blockCRC =
            input.count > 0 ? crc32(0, input.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(input.count)) : 0
        return BlockResult(output: output, crc: blockCRC, inputSize: input.count, status: status)
    }
}
