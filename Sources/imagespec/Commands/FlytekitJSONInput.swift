import Foundation
import Spec

/// `imagespec build --flytekit-json FILE|-`: the document the flytekit plugin writes (see ``Spec/FlytekitDocument``),
/// read from a file or standard input.
struct FlytekitJSONInput {
    /// The document.
    let document: FlytekitDocument

    /// The spec and naming context of the document.
    var loaded: LoadedSpec { document.loaded }

    /// Reads `--flytekit-json` (nil when not given); exactly one of a spec file and the document must be given.
    static func load(_ argument: String?, spec: String?) throws -> FlytekitJSONInput? {
        switch (argument, spec) {
        case (nil, nil):
            throw CLIFailure(
                "missing the spec: pass SPEC.yaml|SPEC.json, or --flytekit-json FILE|- (the plugin's document)")
        case (_?, let spec?):
            throw CLIFailure(
                "pass either the spec file \(spec) or --flytekit-json, not both (the document holds the spec)")
        case (nil, _?):
            return nil
        case (let argument?, nil):
            let document: FlytekitDocument
            if argument == "-" {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                document = try FlytekitDocument.load(bytes: Array(data), file: "<stdin>")
            } else {
                document = try FlytekitDocument.load(path: argument)
            }
            return FlytekitJSONInput(document: document)
        }
    }

}
