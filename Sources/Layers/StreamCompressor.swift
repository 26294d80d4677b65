/// A streaming compressor: input chunks in, compressed chunks out through `emit`.
///
/// Implementations own a fixed-size output buffer, so memory stays bounded however large the stream is.
protocol StreamCompressor: AnyObject {
    /// Compresses `input`, calling `emit` zero or more times with output bytes valid only during the call.
    func compress(
        _ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void
    ) throws(LayerError)

    /// Flushes everything and ends the stream.
    func finish(emit: (UnsafeRawBufferPointer) throws(LayerError) -> Void) throws(LayerError)
}

extension LayerCompression {
    /// A fresh compressor for this setting, or `nil` for ``none``.
    func makeCompressor(outputSize: Int = 1 << 20) throws(LayerError) -> (any StreamCompressor)? {
        try validate()
        switch self {
        case .none: return nil
        case .gzip(let level): return try BlockGzipCompressor(level: Int32(level))
        case .zstd(let level): return try ZstdCompressor(level: Int32(level), outputSize: outputSize)
        }
    }
}
