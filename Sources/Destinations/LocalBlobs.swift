import Foundation
import OCI
import Registry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `blobs/sha256/` directory on disk — the store of an OCI layout and the staging area of a docker archive:
/// blobs are hardlinked from their source file when possible (copied otherwise) or written from bytes.
struct LocalBlobs: Sendable {
    /// The `blobs` directory (blobs go to `<directory>/<algorithm>/<hex>`).
    let directory: String

    /// Creates `<directory>/sha256`.
    init(directory: String) throws(RegistryError) {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory + "/sha256", withIntermediateDirectories: true)
        } catch {
            throw RegistryError.io(path: directory, operation: "create the directory", reason: "\(error)")
        }
    }

    /// `<directory>/<algorithm>/<hex>`.
    func path(of digest: Digest) -> String {
        "\(directory)/\(digest.algorithm)/\(digest.encoded)"
    }

    /// Where the blob `descriptor` names ends up; its bytes come from `source` when it is not there yet. A
    /// repository source is fetched (no mounts outside a registry); foreign layers are not stored.
    func ensure(_ descriptor: Descriptor, from source: BlobSource) async throws(RegistryError) -> BlobPlacement {
        if descriptor.isForeignLayer { return .foreign }
        let target = path(of: descriptor.digest)
        if FileManager.default.fileExists(atPath: target) { return .existed }
        switch source {
        case .file(let file):
            try place(file: file, at: target)
        case .data(let data):
            guard descriptor.digest.recompute(data) == descriptor.digest else {
                throw RegistryError(
                    kind: .digestMismatch, message: "the bytes given for blob \(descriptor.digest) have another digest",
                    isTemporary: false)
            }
            try write(data, at: target)
        case .repository(_, let fetch):
            try place(file: try await fetch(), at: target)
        }
        return .uploaded
    }

    /// Writes `data` as the blob of `digest` unless it is there.
    func write(_ data: Data, digest: Digest) throws(RegistryError) {
        let target = path(of: digest)
        if FileManager.default.fileExists(atPath: target) { return }
        try write(data, at: target)
    }

    /// Hardlinks (else copies, through a temporary file and a rename) `file` to `target`. Another writer of the same
    /// directory (a concurrent build into one layout) may have placed the same blob first: blobs are named by their
    /// digest and only ever appear complete, so an existing `target` is the blob.
    private func place(file: String, at target: String) throws(RegistryError) {
        if link(file, target) == 0 || errno == EEXIST { return }
        let temporary = "\(target).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        do {
            try FileManager.default.copyItem(atPath: file, toPath: temporary)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw RegistryError.io(path: target, operation: "copy \(file) here", reason: error.localizedDescription)
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw RegistryError.io(path: target, operation: "move a copy of \(file) here", reason: reason)
        }
    }

    private func write(_ data: Data, at target: String) throws(RegistryError) {
        do {
            try data.write(to: URL(fileURLWithPath: target), options: .atomic)
        } catch {
            throw RegistryError.io(path: target, operation: "write", reason: error.localizedDescription)
        }
    }
}
