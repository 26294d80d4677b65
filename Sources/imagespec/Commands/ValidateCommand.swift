import ArgumentParser
import Spec

/// `imagespec validate SPEC…`: every problem of every spec file, one per line.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check ImageSpec files and report every problem at once.",
        discussion: """
            Checks the YAML/JSON syntax, every field (unknown keys, wrong types, invalid values such as a \
            registry with a tag or tag_format with an unknown field), the files the spec names, and finally \
            computes the image name. Each problem is one line: FILE:LINE:COL: field 'NAME': what is wrong — the fix.

            Relative paths in the spec are resolved against the spec file's directory (or --cwd DIR).

            Exit status: 0 when every file is valid (each file's image name is printed); 2 otherwise.
            """)

    /// The spec files.
    @Argument(help: ArgumentHelp("ImageSpec files (.yaml, .yml or .json).", valueName: "spec"))
    var specs: [String]

    @OptionGroup var specOptions: NameSpecOptions

    func validate() throws {
        guard !specs.isEmpty else {
            throw ValidationError("give at least one spec file")
        }
    }

    func run() async throws {
        try await CommandRunner.run {
            let format = try specOptions.specFormat()
            var failed = false
            for spec in specs {
                let context = try specOptions.context(forSpecAt: spec)
                let report = SpecLoader.validate(path: spec, format: format, context: context)
                for line in (report.problems + report.warnings).sorted(by: Self.fileOrder) {
                    Console.printDiagnostic(line.description)
                }
                if let naming = report.naming, report.isValid {
                    Console.printLine("\(spec): ok: \(naming.imageName)")
                } else {
                    failed = true
                }
            }
            if failed {
                throw ExitCode(2)
            }
        }
    }

    private static func fileOrder(_ a: SpecDiagnostic, _ b: SpecDiagnostic) -> Bool {
        let left = a.location.map { ($0.line, $0.column) } ?? (Int.max, Int.max)
        let right = b.location.map { ($0.line, $0.column) } ?? (Int.max, Int.max)
        return left < right
    }
}
