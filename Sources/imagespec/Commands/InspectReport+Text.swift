import Foundation

extension InspectReport {
    /// The report as aligned text lines, for people.
    var textLines: [String] {
        var lines: [String] = []
        func field(_ name: String, _ value: String) {
            lines.append((name + ":").padding(toLength: 13, withPad: " ", startingAt: 0) + value)
        }
        field("Reference", reference)
        field("Digest", digest)
        field("Media type", mediaType)
        field("Size", "\(size) bytes")
        if let index {
            field("From index", "\(index.digest) (\(index.mediaType))")
        }
        if let platforms {
            lines.append("Platforms:")
            for entry in platforms {
                let name = entry.platform ?? "(no platform)"
                let note = entry.attestation ? "  attestation" : ""
                lines.append(
                    "  \(name.padding(toLength: 16, withPad: " ", startingAt: 0)) \(entry.digest)"
                        + "  \(entry.size) bytes  \(entry.mediaType)\(note)")
            }
        }
        if let config {
            field("Platform", config.platform)
            field("Config", "\(config.digest) (\(config.mediaType))")
            if let created = config.created { field("Created", created) }
            field("Entrypoint", Self.jsonArray(config.entrypoint))
            field("Cmd", Self.jsonArray(config.cmd))
            field("WorkingDir", config.workingDir.map { $0.isEmpty ? "(none)" : $0 } ?? "(none)")
            field("User", config.user.map { $0.isEmpty ? "(none)" : $0 } ?? "(none)")
            if config.env.isEmpty {
                field("Env", "(none)")
            } else {
                lines.append("Env:")
                lines += config.env.map { "  \($0)" }
            }
            if config.labels.isEmpty {
                field("Labels", "(none)")
            } else {
                lines.append("Labels:")
                lines += config.labels.sorted { $0.key < $1.key }.map { "  \($0.key)=\($0.value)" }
            }
            field("History", "\(config.historyEntries) entries")
        } else if let artifactType {
            field("Artifact", artifactType)
        }
        if let layers {
            lines.append("Layers (\(layers.count), \(layersSize ?? 0) bytes):")
            for layer in layers {
                lines.append("  \(layer.digest)  \(layer.size) bytes  \(layer.mediaType)")
            }
        }
        return lines
    }

    /// `["a","b"]` as JSON, or `(none)`.
    private static func jsonArray(_ values: [String]?) -> String {
        guard let values else { return "(none)" }
        guard let data = try? JSONSerialization.data(withJSONObject: values, options: [.withoutEscapingSlashes]),
            let text = String(data: data, encoding: .utf8)
        else { return values.joined(separator: " ") }
        return text
    }
}
