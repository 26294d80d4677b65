/// A task group that runs at most `limit` child tasks at a time.
enum BoundedConcurrency {
    /// Applies `transform` to every element with at most `limit` running at once; results keep the input order.
    ///
    /// The first error cancels the remaining work and is rethrown.
    static func map<Element: Sendable, Output: Sendable>(
        _ elements: [Element], limit: Int,
        _ transform: @escaping @Sendable (Element) async throws(LayerError) -> Output
    ) async throws(LayerError) -> [Output] {
        let width = max(1, limit)
        do {
            return try await withThrowingTaskGroup(of: (Int, Output).self) { group in
                var results = [Output?](repeating: nil, count: elements.count)
                var next = 0
                func startNext() {
                    guard next < elements.count else { return }
                    let index = next
                    let element = elements[index]
                    next += 1
                    group.addTask { (index, try await transform(element)) }
                }
                for _ in 0..<min(width, elements.count) { startNext() }
                while let (index, output) = try await group.next() {
                    results[index] = output
                    startNext()
                }
                return results.map { $0! }
            }
        } catch let error as LayerError {
            throw error
        } catch is CancellationError {
            throw LayerError(.cancelled, "building layers was cancelled")
        } catch {
            throw LayerError(.io, "building layers failed: \(error)")
        }
    }
}
