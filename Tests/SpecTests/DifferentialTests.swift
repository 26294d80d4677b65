import Foundation
import TestSupport
import Testing

@testable import Spec

/// The live differential test: random specs (seeded; `IMAGESPEC_DIFF_SEED` reproduces a run, `IMAGESPEC_DIFF_COUNT`
/// sets the size, default 1,000) named by imagespec and by flytekit 1.16 itself (`scripts/flytekit-names.py` in the
/// project venv, one Python process for the whole batch). Every image name, tag, id and both hash inputs must be
/// identical, and where flytekit raises, imagespec must raise the same exception type with the same message.
/// A missing Python/flytekit fails the test (it is never skipped).
@Suite("differential: imagespec vs flytekit", .serialized)
struct DifferentialTests {
    /// What one side produced for a spec.
    enum Outcome: Equatable, CustomStringConvertible {
        case named(image: String, tag: String, id: String, tagInput: String, idInput: String)
        case failed(type: String, message: String)

        var description: String {
            switch self {
            case let .named(image, tag, id, tagInput, idInput):
                "named \(image) (tag \(tag), id \(id))\n      tag hash input: \(tagInput)\n"
                    + "      id hash input:  \(idInput)"
            case let .failed(type, message): "raised \(type): \(message)"
            }
        }
    }

    @Test("random specs get exactly flytekit's names")
    func randomSpecs() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["IMAGESPEC_DIFF_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
        let count = environment["IMAGESPEC_DIFF_COUNT"].flatMap { Int($0) } ?? 1000
        print("differential: seed \(seed), \(count) specs (IMAGESPEC_DIFF_SEED=\(seed) reproduces this run)")
        let python = try TestEnvironment.requireVenvPython()
        let script = TestEnvironment.script("flytekit-names.py")

        let base = try makeTemporaryDirectory(prefix: "imagespec-diff")
        var generator = DifferentialGenerator(seed: seed, base: base)
        var cases: [DifferentialCase] = []
        for _ in 0..<count {
            cases.append(try generator.makeCase())
        }
        let swift = cases.map(Self.swiftOutcome)

        let input = base + "/input.jsonl"
        let output = base + "/output.jsonl"
        try Data(cases.map { $0.jsonLine + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: input))
        let run = try ExternalTool.run(python, [script, input, output], timeout: .seconds(1800))
        guard run.succeeded else {
            Issue.record("flytekit-names.py failed (status \(run.status)) with \(python): \(run.stderr)")
            return
        }
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(String.init)
        try #require(
            lines.count == cases.count, "flytekit-names.py wrote \(lines.count) lines for \(cases.count) specs")

        var mismatches: [String] = []
        var flytekitErrors = 0
        for (index, line) in lines.enumerated() {
            let python = try Self.pythonOutcome(line)
            if case .failed = python {
                flytekitErrors += 1
            }
            let ours = swift[index]
            if let problem = Self.compare(ours: ours, flytekit: python) {
                mismatches.append(
                    "spec #\(index) in \(cases[index].directory) (host \(cases[index].hostMachine)): \(problem)\n"
                        + "    spec: \(cases[index].specJSON.prefix(3000))\n"
                        + "    imagespec: \(ours.model)\n    flytekit:  \(python)")
            }
        }
        print("compared \(cases.count) specs, \(mismatches.count) mismatches (\(flytekitErrors) specs raise in both)")
        let named = swift.compactMap(\.naming)
        func tally(_ predicate: (ImageNaming) -> Bool) -> Int { named.filter(predicate).count }
        let coverage = [
            "\(named.count) named", "source_root hashed \(tally { $0.sourceRootDigest != nil })",
            "with source files \(tally { !($0.sourceFiles ?? []).isEmpty })", "copy \(tally { $0.copyDigest != nil })",
            "requirements \(tally { $0.requirementsSHA1 != nil })", "nested base \(tally { $0.baseImageName != nil })",
            "tag_format \(tally { $0.tag.count != 22 })",
            "loaded modules \(cases.filter { !$0.loadedModuleFiles.isEmpty }.count)",
        ]
        print("differential coverage: " + coverage.joined(separator: ", "))
        if mismatches.isEmpty {
            try? FileManager.default.removeItem(atPath: base)
        } else {
            print("differential: files kept in \(base); first mismatches:")
            for mismatch in mismatches.prefix(5) {
                print(mismatch)
            }
            Issue.record("\(mismatches.count) of \(cases.count) specs differ from flytekit (seed \(seed))")
        }
        #expect(cases.count >= min(count, 1000))
    }

    /// imagespec's outcome through the model alone and through the JSON loader.
    struct SwiftOutcome {
        let model: Outcome
        let loader: Outcome
        /// The model's naming, when it named the spec (for the coverage line).
        let naming: ImageNaming?
    }

    static func swiftOutcome(_ testCase: DifferentialCase) -> SwiftOutcome {
        let context = testCase.context
        let model: Outcome
        var naming: ImageNaming?
        do {
            let spec = try VectorKwargs.makeSpec(testCase.spec, hostMachine: testCase.hostMachine)
            naming = try spec.naming(in: context)
            model = outcome(naming!)
        } catch let error as SpecError {
            model = .failed(
                type: error.pythonException?.rawValue ?? "imagespec:\(error.kind)",
                message: error.pythonMessage ?? error.message)
        } catch {
            model = .failed(type: "imagespec", message: "\(error)")
        }
        let loader: Outcome
        do {
            let loaded = try SpecLoader.load(
                text: testCase.specJSON, format: .json, file: "spec.json", context: context)
            loader = outcome(try loaded.naming())
        } catch {
            loader = .failed(type: "SpecError", message: error.description)
        }
        return SwiftOutcome(model: model, loader: loader, naming: naming)
    }

    static func outcome(_ naming: ImageNaming) -> Outcome {
        .named(
            image: naming.imageName, tag: naming.tag, id: naming.id, tagInput: naming.tagHashInput,
            idInput: naming.idHashInput)
    }

    static func pythonOutcome(_ line: String) throws -> Outcome {
        var reader = JSONSpecReader(file: nil)
        guard case .dict(let dict)? = reader.read(text: line)?.pyValue else {
            throw TestSupportError("flytekit-names.py wrote a line that is not a JSON object: \(line)")
        }
        func text(_ key: String) -> String? {
            if case .str(let value)? = dict[.str(key)] { value } else { nil }
        }
        if let type = text("error_type") {
            return .failed(type: type, message: text("error_message") ?? "")
        }
        guard let image = text("image_name"), let tag = text("tag"), let id = text("id"),
            let tagInput = text("tag_hash_input"), let idInput = text("id_hash_input")
        else {
            throw TestSupportError("flytekit-names.py wrote an incomplete line: \(line)")
        }
        return .named(image: image, tag: tag, id: id, tagInput: tagInput, idInput: idInput)
    }

    /// The text up to the first `\n` (Python's `split("\n")[0]`; a Swift `Character` split would also cut at `\r\n`).
    static func firstLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix { $0 != "\n" }))
    }

    /// Why imagespec's outcome differs from flytekit's, or `nil` when they agree.
    static func compare(ours: SwiftOutcome, flytekit: Outcome) -> String? {
        switch (ours.model, flytekit) {
        case (.named, .named):
            guard ours.model == flytekit else {
                return "different names"
            }
            guard ours.loader == ours.model else {
                return "the JSON loader disagrees with the model: \(ours.loader)"
            }
            return nil
        case let (.failed(type, message), .failed(pythonType, pythonMessage)):
            // imagespec keeps the first line of flytekit's message (the rest is advice, e.g. registry formats).
            guard type == pythonType, firstLine(message) == firstLine(pythonMessage) else {
                return "different errors"
            }
            guard case .failed = ours.loader else {
                return "the JSON loader accepted a spec flytekit rejects: \(ours.loader)"
            }
            return nil
        case (.named, .failed):
            return "flytekit raises, imagespec names it"
        case (.failed, .named):
            return "imagespec raises, flytekit names it"
        }
    }
}
