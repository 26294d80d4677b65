import OCI
import Support

/// A task group that runs at most `limit` child tasks at a time.
enum BoundedConcurrency {
    /// Applies `transform` to every element with at most `limit` running at once; results keep the input order.
    ///
    /// The first error cancels the remaining work and is rethrown.
    static func map<Element: Sendable, Output: Sendable>(
        _ elements: [Element], limit: Int,
        _ transform: @escaping @Sendable (Element) async throws(LayerError) -> Output
    ) async throws(LayerError) -> [Output] {
        try await BoundedTaskGroup.map(
            elements, limit: limit,
            otherError: { error in
                error is CancellationError
                    ? LayerError(.cancelled, "building layers was cancelled")
                    : LayerError(.io, "building layers failed: \(error)")
            }, transform)
    }
}
