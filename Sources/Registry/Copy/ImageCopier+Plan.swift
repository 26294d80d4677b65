import Foundation
import OCI
import Support

extension ImageCopier {
    /// How deep nested indexes are followed (an index of indexes of images is depth 2).
    static let maximumIndexDepth = 4

    /// Reads the source's manifests (and, for a single image with a platform wanted, its config) and decides what
    /// to copy. Nothing is written.
    func makePlan(source: Reference, selection: PlatformSelection) async throws(RegistryError) -> CopyPlan {
        let top = try await client.getManifest(source)
        switch (top.value, selection) {
        case (.image(let manifest), .all):
            var plan = CopyPlan(sourceDigest: top.digest, top: .init(raw: top, platform: nil))
            plan.addBlobs(of: manifest)
            return plan

        case (.image(let manifest), .platform(let wanted)):
            let platform = try await configPlatform(of: manifest, in: source)
            guard let platform, platform.matches(wanted) else {
                let offered = platform?.description ?? "an unknown platform"
                throw RegistryError(
                    kind: .notFound,
                    message: "\(source) is a single-platform image for \(offered), not \(wanted) — copy it without "
                        + "choosing a platform" + (platform.map { " or ask for \($0)" } ?? ""),
                    isTemporary: false)
            }
            var plan = CopyPlan(sourceDigest: top.digest, top: .init(raw: top, platform: platform))
            plan.addBlobs(of: manifest)
            return plan

        case (.index(let index), .platform(let wanted)):
            guard let entry = index.manifest(for: wanted) else {
                let offered = index.platforms.map(\.description).joined(separator: ", ")
                throw RegistryError(
                    kind: .notFound,
                    message: "\(source) has no image for \(wanted) (it has: \(offered.isEmpty ? "none" : offered)) — "
                        + "pick one of those, or copy them all",
                    isTemporary: false)
            }
            let child = try await client.getManifest(source.pinned(to: entry.digest))
            var plan = CopyPlan(sourceDigest: top.digest, top: .init(raw: child, platform: entry.platform))
            try await addContent(of: child, to: &plan, source: source, depth: 1)
            return plan

        case (.index, .all):
            var plan = CopyPlan(sourceDigest: top.digest, top: .init(raw: top, platform: nil))
            try await addContent(of: top, to: &plan, source: source, depth: 0)
            return plan
        }
    }

    /// Adds what `raw` needs: for an image its blobs; for an index every child manifest (fetched by digest, a few at
    /// a time) and, recursively, what those need. Children are added before the manifests that reference them.
    private func addContent(
        of raw: Raw<Manifest>, to plan: inout CopyPlan, source: Reference, depth: Int
    ) async throws(RegistryError) {
        switch raw.value {
        case .image(let manifest):
            plan.addBlobs(of: manifest)
        case .index(let index):
            guard depth < Self.maximumIndexDepth else {
                throw RegistryError.invalidResponse(
                    method: "GET", url: source.description, status: 200,
                    reason: "indexes nested more than \(Self.maximumIndexDepth) deep; refusing to follow them")
            }
            var entries: [Descriptor] = []
            var seen: Set<Digest> = []
            for entry in index.manifests where !plan.hasManifest(entry.digest) && seen.insert(entry.digest).inserted {
                entries.append(entry)
            }
            let client = self.client
            let children = try await Self.boundedMap(entries, limit: concurrency) {
                (entry) async throws(RegistryError) -> Raw<Manifest> in
                try await client.getManifest(source.pinned(to: entry.digest))
            }
            for (entry, child) in zip(entries, children) {
                try await addContent(of: child, to: &plan, source: source, depth: depth + 1)
                plan.addChild(.init(raw: child, platform: entry.platform))
            }
        }
    }

    /// The platform an image's config declares, or nil when the config is not an image configuration.
    private func configPlatform(of manifest: ImageManifest, in source: Reference) async throws(RegistryError)
        -> Platform?
    {
        guard MediaType.isConfig(manifest.config.mediaType) else { return nil }
        return try await client.imageConfig(of: manifest, in: source).platform
    }

    /// `transform` applied to every element, at most `limit` at a time; results in input order. The first error
    /// cancels the rest and is thrown.
    static func boundedMap<Element: Sendable, Result: Sendable>(
        _ elements: [Element], limit: Int,
        _ transform: @escaping @Sendable (Element) async throws(RegistryError) -> Result
    ) async throws(RegistryError) -> [Result] {
        try await BoundedTaskGroup.map(
            elements, limit: limit, otherError: { _ in RegistryError.cancelled() }, transform)
    }
}
