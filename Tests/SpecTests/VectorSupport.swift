import Foundation
import TestSupport

@testable import Spec

/// Turns a vector's JSON `spec` (the plugin convention) into what Python's `ImageSpec(**kwargs)` receives:
/// `source_copy_mode` names become `CopyFileDetection` members, `pip_secret_mounts` pairs become tuples and
/// `{"image_spec": {…}}` becomes a nested spec. Deliberately independent of `SpecInterpreter`, so the model is
/// tested on its own.
enum VectorKwargs {
    /// Builds the spec the way flytekit would, or throws flytekit's error.
    static func makeSpec(json text: String, hostMachine: String) throws -> ImageSpec {
        var reader = JSONSpecReader(file: nil)
        guard let node = reader.read(text: text), case .dict(let dict)? = node.pyValue else {
            throw TestSupportError("vector spec is not a JSON object: \(reader.problems)")
        }
        return try makeSpec(dict, hostMachine: hostMachine)
    }

    /// `makeSpec(json:)` for a parsed dict.
    static func makeSpec(_ dict: PyDict, hostMachine: String) throws -> ImageSpec {
        var arguments = PyDict()
        var base: ImageSpec?
        for entry in dict.entries {
            switch (entry.key, entry.value) {
            case (.str("source_copy_mode"), .str(let name)):
                arguments[entry.key] = try requireMember(name)
            case (.str("pip_secret_mounts"), .list(let pairs)):
                arguments[entry.key] = .list(pairs.map { if case .list(let pair) = $0 { .tuple(pair) } else { $0 } })
            case (.str("base_image"), .dict(let nested)):
                guard case .dict(let inner)? = nested[.str("image_spec")] else {
                    throw TestSupportError("base_image dict without image_spec")
                }
                base = try makeSpec(inner, hostMachine: hostMachine)
            default:
                arguments[entry.key] = entry.value
            }
        }
        return try ImageSpec(pythonArguments: arguments, baseImage: base, hostMachine: hostMachine)
    }

    private static func requireMember(_ name: String) throws -> PyValue {
        guard let member = CopyFileDetection(memberName: name) else {
            throw TestSupportError("unknown CopyFileDetection member \(name)")
        }
        return member.pyValue
    }
}
