import OCI

/// The one streaming pass behind every layer: tar bytes → sha256 (diff_id) → compressor → sha256 (digest) + byte
/// count → temporary blob file.
///
/// Each stage works on the chunk it is handed; the only buffers are the tar writer's and the compressor's fixed ones.
final class LayerPipeline {
    private var diffHasher = DigestHasher()
    private var blobHasher = DigestHasher()
    private let compressor: (any StreamCompressor)?
    private let file: BlobFile
    private let cancellation: CancellationFlag?
    private(set) var uncompressedSize: Int64 = 0
    private(set) var compressedSize: Int64 = 0

    init(compression: LayerCompression, blobsDirectory: String, cancellation: CancellationFlag?) throws(LayerError) {
        compressor = try compression.makeCompressor()
        file = try BlobFile(directory: blobsDirectory)
        self.cancellation = cancellation
    }

    /// Takes the next chunk of the tar stream.
    func consume(_ chunk: UnsafeRawBufferPointer) throws(LayerError) {
        try cancellation?.check("building the layer")
        diffHasher.update(chunk)
        uncompressedSize += Int64(chunk.count)
        if let compressor {
            try compressor.compress(chunk) { (output) throws(LayerError) in try store(output) }
        } else {
            try store(chunk)
        }
    }

    /// Ends the stream, moves the blob to its content address and returns the digests.
    func finish(mediaType: String) throws(LayerError) -> LayerBlob {
        if let compressor {
            try compressor.finish { (output) throws(LayerError) in try store(output) }
        }
        let digest = blobHasher.finalize()
        let path = try file.commit(hex: digest.encoded)
        return LayerBlob(
            digest: digest, diffID: diffHasher.finalize(), size: compressedSize, uncompressedSize: uncompressedSize,
            mediaType: mediaType, path: path)
    }

    private func store(_ bytes: UnsafeRawBufferPointer) throws(LayerError) {
        blobHasher.update(bytes)
        compressedSize += Int64(bytes.count)
        try file.write(bytes)
    }
}
