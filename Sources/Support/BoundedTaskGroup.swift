/// Runs async work over a list with a cap on how many run at once: the one bounded-concurrency helper the
/// modules share (registry copies, layer builds, image builds).
///
/// Not model and not I/O: it lives in `Support`, the package's one module of small shared helpers.
package enum BoundedTaskGroup {
    /// Applies `transform` to every element with at most `limit` calls running at once (at least one); results keep
    /// the input order. The first error cancels the remaining work and is rethrown unchanged.
    package static func map<Element: Sendable, Output: Sendable>(
        _ elements: [Element], limit: Int, _ transform: @escaping @Sendable (Element) async throws -> Output
    ) async throws -> [Output] {
        guard !elements.isEmpty else { return [] }
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
            for _ in 0..<min(max(1, limit), elements.count) { startNext() }
            while let (index, output) = try await group.next() {
                results[index] = output
                startNext()
            }
            return results.map { $0! }
        }
    }

    /// ``map(_:limit:_:)`` for a transform with a typed error: its errors are rethrown as they are, anything else
    /// (cancellation of the group) becomes `otherError(error)`.
    package static func map<Element: Sendable, Output: Sendable, Failure: Error>(
        _ elements: [Element], limit: Int, otherError: (any Error) -> Failure,
        _ transform: @escaping @Sendable (Element) async throws(Failure) -> Output
    ) async throws(Failure) -> [Output] {
        do {
            return try await map(elements, limit: limit) { element in try await transform(element) }
        } catch let error as Failure {
            throw error
        } catch {
            throw otherError(error)
        }
    }
}
