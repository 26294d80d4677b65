import CZlib

/// Streaming gzip through the system zlib, with a reproducible header.
///
/// The gzip header has no file name, no comment, MTIME 0 and OS byte 255 ("unknown"), so the output depends only on
/// the input, the level and the zlib version (and not on the host OS, which zlib would otherwise record).
final class GzipCompressor: StreamCompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    private let header: UnsafeMutablePointer<gz_header>
    private let output: UnsafeMutableRawBufferPointer

    init(level: Int32, outputSize: Int) throws(LayerError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        header = .allocate(capacity: 1)
        header.initialize(to: gz_header())
        header.pointee.os = 255
        header.pointee.time = 0
        output = .allocate(byteCount: outputSize, alignment: 16)
        // windowBits 15 + 16 selects the gzip wrapper; memLevel 8 is zlib's default.
        let status = deflateInit2_(
            stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            output.deallocate()
            header.deallocate()
            stream.deallocate()
            throw LayerError(.compression, "zlib deflateInit2 failed (\(status)) at level \(level)")
        }
        let headerStatus = deflateSetHeader(stream, header)
        guard headerStatus == Z_OK else {
            deflateEnd(stream)
            output.deallocate()
            header.deallocate()
            stream.deallocate()
            throw LayerError(.compression, "zlib deflateSetHeader failed (\(headerStatus))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        header.deallocate()
        output.deallocate()
    }

    func compress(
        _ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void
    ) throws(LayerError) {
        guard let base = input.baseAddress, input.count > 0 else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(input.count)
        repeat {
            try run(flush: Z_NO_FLUSH, emit: emit)
        } while stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0
        stream.pointee.next_in = nil
    }

    func finish(emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void) throws(LayerError) {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        while try run(flush: Z_FINISH, emit: emit) != Z_STREAM_END {}
    }

    /// One `deflate` call into the whole output buffer; emits what it produced and returns zlib's status.
    @discardableResult
    private func run(flush: Int32, emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void) throws(LayerError)
        -> Int32
    {
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(output.count)
        let status = deflate(stream, flush)
        if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
            throw LayerError(.compression, "zlib deflate failed (\(status))")
        }
        let produced = output.count - Int(stream.pointee.avail_out)
        if produced > 0 {
            try emit(UnsafeRawBufferPointer(rebasing: output[0..<produced]))
        }
        return status
    }
}
