import Foundation
import Layers
import OCI
import Registry
import Synchronization

/// Sends blobs to a registry repository while the build is still producing them: base layers as soon as the base is
/// resolved, each new layer as soon as it is compressed, the config once the image is assembled.
///
/// Each blob is checked (`HEAD`), then mounted (base layers on the same registry) or uploaded, at most `limit` at a
/// time; a digest offered again (another platform, a repeated layer) is sent once, and counts as
/// ``BuildEvent/BlobOutcome/existing`` for the platforms that offered it later. A blob is recorded in ``outcomes``
/// only once the registry has it, so a manifest may be pushed when every blob it names is recorded.
///
/// ```swift
/// let queue = BlobPushQueue(client: client, repository: target, store: store, limit: 4, options: options)
/// let images = try await queue.pushing { try await builder.build(plan, queue: queue) }
/// // every blob of `images` is now in the repository: push the manifests
/// ```
final class BlobPushQueue: Sendable {
    /// What to send.
    enum Source: Sendable {
        /// A base layer, mounted from (or, on another registry, copied from) the base's repository.
        case base(Descriptor, from: Reference)
        /// A new layer blob in the layer cache.
        case built(LayerBlob)
        /// An image config (no progress event is reported for it).
        case config(Raw<ImageConfig>)

        var digest: Digest {
            switch self {
            case .base(let descriptor, _): descriptor.digest
            case .built(let blob): blob.digest
            case .config(let raw): raw.digest
            }
        }

        var size: Int64 {
            switch self {
            case .base(let descriptor, _): descriptor.size
            case .built(let blob): blob.size
            case .config(let raw): raw.size
            }
        }
    }

    private struct Job: Sendable {
        let source: Source
        let platform: Platform
    }

    private struct State: Sendable {
        /// Platforms that offered each digest, first (the one that sends it) first.
        var offeredBy: [Digest: [Platform]] = [:]
        /// Blobs the registry has, per platform.
        var outcomes: [Platform: [Digest: BuildEvent.BlobOutcome]] = [:]
    }

    private let client: RegistryClient
    private let repository: Reference
    private let store: BlobStore
    private let limit: Int
    private let options: BuildOptions
    private let stream: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation
    private let state = Mutex(State())

    /// A queue sending to `repository` (the push target's repository), at most `limit` blobs at a time.
    init(client: RegistryClient, repository: Reference, store: BlobStore, limit: Int, options: BuildOptions) {
        self.client = client
        self.repository = repository
        self.store = store
        self.limit = max(1, limit)
        self.options = options
        (stream, continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// What happened to each blob the registry now has, per platform.
    var outcomes: [Platform: [Digest: BuildEvent.BlobOutcome]] {
        state.withLock { $0.outcomes }
    }

    /// Offers `source` for `platform`; returns at once (the transfer runs in ``pushing(during:)``).
    func enqueue(_ source: Source, platform: Platform) {
        enum Offer { case new, pending, sentBefore }
        let digest = source.digest
        let offer = state.withLock { state -> Offer in
            guard let platforms = state.offeredBy[digest] else {
                state.offeredBy[digest] = [platform]
                return .new
            }
            guard !platforms.contains(platform) else { return .pending }
            state.offeredBy[digest] = platforms + [platform]
            guard state.outcomes[platforms[0]]?[digest] != nil else { return .pending }  // recorded when sent
            state.outcomes[platform, default: [:]][digest] = .existing
            return .sentBefore
        }
        switch offer {
        case .new: continuation.yield(Job(source: source, platform: platform))
        case .pending: break
        case .sentBefore: report(source, platform: platform, outcome: .existing)
        }
    }

    /// Runs `body` (the build, which calls ``enqueue(_:platform:)``) while sending what it offers; returns `body`'s
    /// result once every offered blob is in the registry. The first failure, of `body` or of a transfer, cancels
    /// the other and is thrown.
    func pushing<T: Sendable>(during body: @escaping @Sendable () async throws -> T) async throws(BuildError) -> T {
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await self.drain()
                    return nil
                }
                group.addTask {
                    defer { self.continuation.finish() }
                    return try await body()
                }
                var result: T?
                for try await value in group {
                    if let value { result = value }
                }
                guard let result else { throw CancellationError() }
                return result
            }
        } catch {
            continuation.finish()
            throw BuildError.wrap(error)
        }
    }

    /// Sends the offered blobs, at most ``limit`` at a time, until the build has offered everything.
    private func drain() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for await job in stream {
                if running >= limit {
                    try await group.next()
                    running -= 1
                }
                group.addTask {
                    do {
                        try await self.send(job)
                    } catch {
                        self.continuation.finish()  // stop waiting for more work: the build is cancelled
                        throw error
                    }
                }
                running += 1
            }
            try await group.waitForAll()
        }
    }

    /// Sends one blob with ``Registry/RegistryClient/ensureBlob(_:in:from:)``. A foreign base layer (never in a
    /// registry) counts as ``BuildEvent/BlobOutcome/existing``.
    private func send(_ job: Job) async throws(BuildError) {
        let digest = job.source.digest
        let placement: BlobPlacement
        do {
            switch job.source {
            case .base(let descriptor, let from):
                let client = self.client
                let store = self.store
                placement = try await client.ensureBlob(
                    descriptor, in: repository,
                    from: .repository(from) { () async throws(RegistryError) -> String in
                        try await store.download(descriptor, from: from, client: client)
                    })
            case .built(let blob):
                placement = try await client.ensureBlob(
                    blob.descriptor, in: repository,
                    from: .file(path: blob.path))
            case .config(let raw):
                placement = try await client.ensureBlob(raw.descriptor, in: repository, from: .data(raw.bytes))
            }
        } catch {
            throw BuildError.wrap(error)
        }
        let outcome: BuildEvent.BlobOutcome =
            switch placement {
            case .existed, .foreign: .existing
            case .mounted: .mounted
            case .uploaded: .uploaded
            }
        let platforms = state.withLock { state -> [Platform] in
            let platforms = state.offeredBy[digest] ?? [job.platform]
            for (index, platform) in platforms.enumerated() {
                state.outcomes[platform, default: [:]][digest] = index == 0 ? outcome : .existing
            }
            return platforms
        }
        for (index, platform) in platforms.enumerated() {
            report(job.source, platform: platform, outcome: index == 0 ? outcome : .existing)
        }
    }

    private func report(_ source: Source, platform: Platform, outcome: BuildEvent.BlobOutcome) {
        if case .config = source { return }
        options.report(.blob(platform: platform, digest: source.digest, size: source.size, outcome: outcome))
    }
}
