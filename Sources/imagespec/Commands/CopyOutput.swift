import OCI
import Registry

/// The `--json` answer of `imagespec copy`: the copier's report with per-blob actions and totals.
struct CopyOutput: Encodable {
    /// Counts and bytes over all blobs.
    struct Summary: Encodable {
        let blobs: Int
        let skipped: Int
        let mounted: Int
        let uploaded: Int
        let foreign: Int
        let bytesUploaded: Int64
        let manifests: Int
    }

    let source: String
    let destination: String
    let sourceDigest: String
    let digest: String
    let mediaType: String
    let pinned: String
    let manifests: [ManifestCopyResult]
    let blobs: [BlobCopyResult]
    let summary: Summary

    init(_ report: CopyReport) {
        source = report.source.description
        destination = report.destination.description
        sourceDigest = report.sourceDigest.description
        digest = report.digest.description
        mediaType = report.mediaType
        pinned = report.pinnedDestination.description
        manifests = report.manifests
        blobs = report.blobs
        summary = Summary(
            blobs: report.blobs.count, skipped: report.count(.skipped), mounted: report.count(.mounted),
            uploaded: report.count(.uploaded), foreign: report.count(.foreign), bytesUploaded: report.bytesUploaded,
            manifests: report.manifests.count)
    }

    /// The text answer: one line per blob, then the pinned destination.
    static func text(_ report: CopyReport) -> String {
        var lines = report.blobs.map { blob in
            "\(blob.action.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(blob.digest)  "
                + "\(blob.size) bytes"
        }
        for manifest in report.manifests {
            let platform = manifest.platform.map { " (\($0))" } ?? ""
            lines.append("manifest \(manifest.digest)\(platform) as \(manifest.pushedAs)")
        }
        lines.append(
            "copied \(report.source) to \(report.destination): \(report.blobs.count) blobs "
                + "(\(report.count(.uploaded)) uploaded, \(report.count(.mounted)) mounted, "
                + "\(report.count(.skipped)) skipped), \(report.bytesUploaded) bytes sent")
        lines.append(report.pinnedDestination.description)
        return lines.joined(separator: "\n")
    }
}
