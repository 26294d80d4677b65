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
