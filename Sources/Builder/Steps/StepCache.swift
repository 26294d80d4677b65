import Foundation
import Layers
import OCI

/// Results of earlier steps that ran in the image, by ``StepKey``: `<cache>/steps/<key>.json` lists the layers the
/// step produced (blobs in the layer cache's blobs directory). A record is used only when every blob it names is
/// still there with its recorded size; records are written to a temporary name and renamed, so a crash or a
/// concurrent build never leaves a half-written one.
struct StepCache: Sendable {
    /// One recorded layer.
    struct Layer: Sendable, Hashable, Codable {
        var blob: LayerBlob
        var createdBy: String
    }

    /// One recorded step.
    struct Record: Sendable, Hashable, Codable {
        var key: String
        var kind: BuildStepKind
        var layers: [Layer]
    }

    /// `<cache root>/steps`.
    let directory: String
    /// The layer cache's blobs directory.
    let blobsDirectory: String

    init(cacheRoot: String, blobsDirectory: String) {
        directory = cacheRoot + "/steps"
        self.blobsDirectory = blobsDirectory
    }

    /// The record of `key`, or nil when there is none or one of its blobs is gone.
    func record(for key: StepKey) -> Record? {
        let path = "\(directory)/\(key.description).json"
        guard let data = FileManager.default.contents(atPath: path),
            let record = try? JSONDecoder().decode(Record.self, from: data), record.key == key.description
        else { return nil }
        for layer in record.layers {
            let blobPath = "\(blobsDirectory)/\(layer.blob.digest.algorithm)/\(layer.blob.digest.encoded)"
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: blobPath),
                (attributes[.size] as? NSNumber)?.int64Value == layer.blob.size
            else { return nil }
        }
        return record
    }

    /// Records the layers of `key`.
    func store(_ record: Record) throws(BuildError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(record)
            let path = "\(directory)/\(record.key).json"
            let temporary = "\(path).\(getpid()).tmp"
            try data.write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: temporary)
                throw BuildError(.io, "cannot record the \(record.kind.rawValue) step in \(directory): \(reason)")
            }
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError(
                .io, "cannot record the \(record.kind.rawValue) step in \(directory): \(error.localizedDescription)")
        }
    }
}
