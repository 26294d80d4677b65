import CZstd

/// Streaming zstd through the system libzstd, single-threaded so the output does not depend on worker count.
///
/// Frames carry a content checksum (as the `zstd` CLI writes by default) so `zstd -t` verifies the content.
final class ZstdCompressor: StreamCompressor {
    private let context: OpaquePointer
    private let output: UnsafeMutableRawBufferPointer

    init(level: Int32, outputSize: Int) throws(LayerError) {
        guard let context = ZSTD_createCCtx() else {
            throw LayerError(.compression, "libzstd could not create a compression context (out of memory?)")
        }
        self.context = context
        output = .allocate(byteCount: outputSize, alignment: 16)
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "set level \(level)")
        try check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "enable checksums")
    }

    deinit {
        ZSTD_freeCCtx(context)
        output.deallocate()
    }

    func compress(
        _ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void
    ) throws(LayerError) {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var source = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
        while source.pos < source.size {
            _ = try step(&source, ZSTD_e_continue, emit: emit)
        }
    }

    func finish(emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void) throws(LayerError) {
        var source = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&source, ZSTD_e_end, emit: emit) != 0 {}
    }

    /// One `ZSTD_compressStream2` call into the whole output buffer; returns what libzstd still has to flush.
    private func step(
        _ source: inout ZSTD_inBuffer, _ directive: ZSTD_EndDirective,
        emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void
    ) throws(LayerError) -> Int {
        var destination = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let remaining = ZSTD_compressStream2(context, &destination, &source, directive)
        try check(remaining, "compress")
        if destination.pos > 0 {
            try emit(UnsafeRawBufferPointer(rebasing: output[0..<destination.pos]))
        }
        return remaining
    }

    private func check(_ code: Int, _ what: String) throws(LayerError) {
        if ZSTD_isError(code) != 0 {
            throw LayerError(.compression, "libzstd failed to \(what): \(String(cString: ZSTD_getErrorName(code)))")
        }
    }
}
