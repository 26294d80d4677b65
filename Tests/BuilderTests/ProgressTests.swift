import Builder
import Foundation
import OCI
import Synchronization
import TestSupport
import Testing

/// Progress events from a real build and push, and `FLYTE_FORCE_PUSH_IMAGE_SPEC` parsed as flytekit does.
@Suite(.serialized) struct ProgressTests {
    @Test func eventsFollowTheBuildAndPush() async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let events = Mutex<[BuildEvent]>([])
        var options = try BuilderTestSupport.options(in: setup.directory)
        options.progress = { event in events.withLock { $0.append(event) } }
        let plan = try BuildPlan(try BuilderTestSupport.loadSpec(setup.spec(), in: setup.directory), options: options)
        let report = try await ImageBuilder(client: BuilderTestSupport.client(), options: options).run(
            plan, destination: .registry(try #require(plan.target)))
        let seen = events.withLock { $0 }
        let steps = seen.compactMap { event -> String? in
            if case .step(let text) = event { return text }
            return nil
        }
        #expect(
            steps.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == [
                "linux/amd64: resolving", "linux/amd64: installing", "linux/amd64: building",
                "linux/amd64: pushing",
            ])
        #expect(steps[1] == "linux/amd64: installing 3 requirement(s) with uv (Python 3.11)")
        let platform = try #require(report.platforms.first)
        let newLayers = platform.layers.filter { $0.kind != "base" }
        // Layers are reported as each is finished (largest first, in parallel), so compare them as sets.
        let layerEvents = seen.compactMap { event -> String? in
            if case .layer(_, let digest, let size, _, _) = event { return "\(digest) \(size)" }
            return nil
        }
        #expect(layerEvents.sorted() == newLayers.map { "\($0.digest) \($0.size)" }.sorted())
        var outcomes: [String: BuildEvent.BlobOutcome] = [:]
        for event in seen {
            if case .blob(_, let digest, _, let outcome) = event { outcomes[digest.description] = outcome }
        }
        #expect(outcomes.count == platform.layers.count)
        #expect(outcomes[platform.layers[0].digest] == .mounted)
        #expect(newLayers.allSatisfy { outcomes[$0.digest] == .uploaded })
        // Each new layer is pushed as soon as it is built: its blob event follows its layer event.
        func position(_ match: (BuildEvent) -> Bool) -> Int { seen.firstIndex(where: match) ?? -1 }
        for layer in newLayers {
            let built = position {
                if case .layer(_, let d, _, _, _) = $0 { d.description == layer.digest } else { false }
            }
            let sent = position { if case .blob(_, let d, _, _) = $0 { d.description == layer.digest } else { false } }
            #expect(built >= 0 && sent > built, "layer \(layer.digest) pushed before it was built")
        }
        let pushingStep = position { $0 == .step(steps[3]) }
        #expect(seen.indices.filter { if case .blob = seen[$0] { $0 > pushingStep } else { false } }.isEmpty)
    }

    static let forcePushValues: [(String?, Bool)] = [
        (nil, false), ("", true), ("1", true), ("TRUE", true), ("yes", true), ("False", false), ("0", false),
        ("OFF", false), ("no", false),
    ]

    @Test(arguments: forcePushValues)
    func forcePushFollowsFlytekitsStr2bool(value: String?, expected: Bool) {
        let environment = value.map { [FlytekitSettings.forcePushVariable: $0] } ?? [:]
        #expect(FlytekitSettings.forcePush(environment: environment) == expected)
    }
}
