import Layers
import Registry

extension BuildError {
    /// Any error as a build error, keeping the one-line message of the module errors and the error itself as
    /// ``cause``; the kind follows the cause (``Kind/registry`` for a ``Registry/RegistryError``, ``Kind/layer``
    /// for a ``Layers/LayerError``, ``Kind/io`` otherwise). A ``BuildError`` is returned unchanged.
    public init(wrapping error: any Error) {
        switch error {
        case let error as BuildError: self = error
        case let error as RegistryError: self.init(.registry, error.description, cause: error)
        case let error as LayerError: self.init(.layer, error.description, cause: error)
        case let error as CancellationError: self.init(.io, "cancelled", cause: error)
        default: self.init(.io, String(describing: error), cause: error as? any Error & Sendable)
        }
    }

    /// ``init(wrapping:)``.
    static func wrap(_ error: any Error) -> BuildError {
        BuildError(wrapping: error)
    }

}
