import Foundation
import NIOCore
import Synchronization

/// Watches one try of a request with a body for progress, and ends the try when there is none for ``idle``.
///
/// AsyncHTTPClient pulls the next body chunk only when the connection can take it, so a registry that stops
/// reading stops the pulls. Progress is each chunk pulled (``ProgressBody``: up to 1 MiB of a file, 256 KiB of
/// bytes in memory, so a link slower than a chunk per idle period reads as a stall); the watch is armed by the first
/// pull (so time spent waiting for a pooled connection does not count) and ends with the response head
/// (``finish()``), after which AsyncHTTPClient's read timeout watches the response. A stall throws a
/// ``RegistryError/Kind/timeout`` error naming the request — temporary, so the ``RetryPolicy`` applies.
final class UploadWatch: Sendable {
    /// The longest time without progress; `.zero` or less disables the watch.
    let idle: Duration

    private struct State {
        var armed = false
        var bodySent = false
        var finished = false
        var lastProgress = ContinuousClock.now
    }

    private let state = Mutex(State())

    init(idle: Duration) {
        self.idle = idle
    }

    /// A chunk of the body was taken by the connection; `end` when the body is complete.
    func progress(end: Bool = false) {
        state.withLock { state in
            state.armed = true
            state.bodySent = state.bodySent || end
            state.lastProgress = .now
        }
    }

    /// The response head arrived: the watch is over.
    func finish() {
        state.withLock { $0.finished = true }
    }

    private enum Event<T: Sendable>: Sendable {
        case done(T)
        case stalled(bodySent: Bool)
        case watchEnded
    }

    /// Runs `operation` (one try) and cancels it when it stalls.
    ///
    /// - Throws: what `operation` throws, or ``RegistryError/timeout(method:url:after:)``-like error of kind
    ///   ``RegistryError/Kind/timeout`` for a stall.
    func run<T: Sendable>(
        method: String, url: String, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard idle > .zero else { return try await operation() }
        return try await withThrowingTaskGroup(of: Event<T>.self) { group in
            group.addTask { .done(try await operation()) }
            group.addTask { try await self.waitForStall() }
            while let event = try await group.next() {
                switch event {
                case .done(let value):
                    group.cancelAll()
                    return value
                case .stalled(let bodySent):
                    group.cancelAll()
                    throw RegistryError.stalled(method: method, url: url, after: idle, bodySent: bodySent)
                case .watchEnded:
                    continue
                }
            }
            throw CancellationError()
        }
    }

    /// Returns when the watch saw no progress for ``idle`` (or ended without a stall).
    private func waitForStall<T: Sendable>() async throws -> Event<T> {
        while true {
            let now = ContinuousClock.now
            let snapshot = state.withLock { $0 }
            if snapshot.finished { return .watchEnded }
            if snapshot.armed, now - snapshot.lastProgress >= idle {
                return .stalled(bodySent: snapshot.bodySent)
            }
            let wake = snapshot.armed ? snapshot.lastProgress + idle : now + idle
            try await Task.sleep(until: wake, clock: .continuous)
        }
    }
}

/// A request body's chunks, reporting each one pulled (and the end) to an ``UploadWatch``.
struct ProgressBody<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let base: Base
    let watch: UploadWatch

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        let watch: UploadWatch

        mutating func next() async throws -> ByteBuffer? {
            let chunk = try await base.next()
            watch.progress(end: chunk == nil)
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), watch: watch)
    }
}
