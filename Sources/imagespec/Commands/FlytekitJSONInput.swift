import Builder
import Foundation
import Spec

/// `imagespec build --flytekit-json FILE|-`: the document the flytekit plugin writes (see ``Spec/FlytekitDocument``),
/// read from a file or standard input, and what it changes in a build.
struct FlytekitJSONInput {
    /// The document.
    let document: FlytekitDocument

    /// The spec and naming context of the document.
    var loaded: LoadedSpec { document.loaded }

    /// The flytekit requirement flytekit's default builder would add: `flytekit==<local version>`.
    var flytekitRequirement: FlytekitRequirement {
        document.flytekitPin.map(FlytekitRequirement.version) ?? .latest
    }

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

    /// Checks the plan's name against flytekit's (one-line error naming both) and makes the image carry flytekit's
    /// `id` as `_F_IMG_ID`.
    func apply(to plan: inout BuildPlan) throws {
        guard plan.imageName == document.imageName else {
            throw CLIFailure(
                "imagespec names this spec \(plan.imageName) but flytekit named it \(document.imageName) — refusing "
                    + "to build under a name flytekit would not use; please report it with the document "
                    + "(IMAGESPEC_KEEP_DOCUMENT=1 keeps it)")
        }
        plan.specID = document.id
    }
}
