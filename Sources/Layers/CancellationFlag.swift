import Synchronization

/// A flag blocking work checks between chunks, set when the task that started it is cancelled.
final class CancellationFlag: Sendable {
    private let state = Atomic<Bool>(false)

    /// Marks the work as cancelled.
    func cancel() {
        state.store(true, ordering: .relaxed)
    }

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool {
        state.load(ordering: .relaxed)
    }

    /// Throws ``LayerError/Kind/cancelled`` once ``cancel()`` was called.
    func check(_ what: String) throws(LayerError) {
        if isCancelled {
            throw LayerError(.cancelled, "\(what) was cancelled")
        }
    }
}
