import OCI

/// Runs work with at most `limit` tasks at once, keeping results in input order; the first failure cancels the rest
/// and is rethrown as a ``BuildError``.
enum ConcurrentMap {
    static func map<Element: Sendable, Output: Sendable>(
        _ elements: [Element], limit: Int, _ transform: @escaping @Sendable (Element) async throws -> Output
    ) async throws(BuildError) -> [Output] {
        do {
            return try await BoundedTaskGroup.map(elements, limit: limit, transform)
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError.wrap(error)
        }
    }
}

extension BuildError {
    /// Any error as a build error, keeping the one-line message of the module errors.
    static func wrap(_ error: any Error) -> BuildError {
        switch error {
        case let error as BuildError: error
        case is CancellationError: BuildError(.io, "cancelled")
        case let error as CustomStringConvertible: BuildError(.registry, error.description)
        default: BuildError(.io, String(describing: error))
        }
    }
}
