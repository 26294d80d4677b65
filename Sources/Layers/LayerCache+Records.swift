import Foundation
import OCI

extension LayerCache {
    /// What `layers/<key>.json` holds: the blob's identity without its path, which follows from the digest.
    struct Record: Codable {
        let digest: Digest
        let diffID: Digest
        let size: Int64
        let uncompressedSize: Int64
        let mediaType: String
    }

    /// The recorded blob for `layerKey`, or `nil` when there is no record or its blob is gone or has another size.
    func cachedBlob(layerKey: String) throws(LayerError) -> LayerBlob? {
        let recordPath = root + "/layers/" + layerKey + ".json"
        guard let bytes = try FileSystem.readSmallFile(recordPath) else { return nil }
        guard let record = try? JSONDecoder().decode(Record.self, from: Data(bytes)) else {
            return nil  // unreadable record (e.g. an older format): rebuild and overwrite it
        }
        let path = blobsDirectory + "/sha256/" + record.digest.encoded
        guard let status = try FileSystem.status(path), status.type == .regular, status.size == record.size else {
            return nil
        }
        return LayerBlob(
            digest: record.digest, diffID: record.diffID, size: record.size,
            uncompressedSize: record.uncompressedSize, mediaType: record.mediaType, path: path)
    }

    /// Records `blob` under `layerKey`.
    func writeLayerRecord(_ layerKey: String, blob: LayerBlob) throws(LayerError) {
        let record = Record(
            digest: blob.digest, diffID: blob.diffID, size: blob.size, uncompressedSize: blob.uncompressedSize,
            mediaType: blob.mediaType)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(record)
        } catch {
            throw LayerError(.io, "cannot encode the layer cache record for \(blob.digest): \(error)")
        }
        try FileSystem.writeAtomically(Array(data), to: root + "/layers/" + layerKey + ".json")
    }

    /// The layer key recorded for a fingerprint key, or `nil`.
    func readFingerprintRecord(_ fingerprintKey: String) throws(LayerError) -> String? {
        guard let bytes = try FileSystem.readSmallFile(root + "/fingerprints/" + fingerprintKey) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.utf8.count == 64, text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        return text
    }

    /// Records that `fingerprintKey` means `layerKey`.
    func writeFingerprintRecord(_ fingerprintKey: String, layerKey: String) throws(LayerError) {
        try FileSystem.writeAtomically(Array(layerKey.utf8), to: root + "/fingerprints/" + fingerprintKey)
    }

    /// The file digest memo of a layer shape: fingerprint content key → content digest, or empty.
    func readDigestMemo(_ shapeKey: String) throws(LayerError) -> [String: Digest] {
        guard let bytes = try FileSystem.readSmallFile(root + "/digests/" + shapeKey, limit: 64 << 20) else {
            return [:]
        }
        var memo: [String: Digest] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            guard let space = line.lastIndex(of: " "),
                let digest = try? Digest("sha256:" + line[line.index(after: space)...])
            else { continue }  // a damaged line only costs a re-read of that file
            memo[String(line[..<space])] = digest
        }
        return memo
    }

    /// Replaces the file digest memo of a layer shape with `memo`.
    func writeDigestMemo(_ shapeKey: String, memo: [String: Digest]) throws(LayerError) {
        var text = ""
        for (fingerprint, digest) in memo.sorted(by: { $0.key < $1.key }) {
            text += fingerprint + " " + digest.encoded + "\n"
        }
        try FileSystem.writeAtomically(Array(text.utf8), to: root + "/digests/" + shapeKey)
    }
}
