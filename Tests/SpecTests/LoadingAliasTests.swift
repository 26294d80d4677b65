import Foundation
import Testing

@testable import Spec

/// YAML aliases: ordinary use loads as PyYAML reads it; an alias bomb is one located error, at once.
@Suite("loading: YAML aliases")
struct LoadingAliasTests {
    static let context = NamingContext(workingDirectory: "/nonexistent-imagespec-dir", hostMachine: "x86_64")

    /// `levels` levels of nine aliases to the level below: 9^levels values once expanded.
    static func bomb(levels: Int, asKey: Bool = false) -> String {
        var text = "name: bomb\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1..<levels {
            text +=
                "x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
                + "]\n"
        }
        return text + (asKey ? "? *a\(levels - 1)\n: 1\n" : "")
    }

    @Test func ordinaryAliasesLoad() throws {
        let loaded = try SpecLoader.load(
            text: "name: x\npackages: &p [numpy, pandas]\nruntime_packages: *p\nenv: &e {A: '1'}\n"
                + "builder_options: {<<: *e, B: '2'}\n",
            format: .yaml, file: "spec.yaml", context: Self.context)
        #expect(loaded.spec.packages == ["numpy", "pandas"])
        #expect(loaded.spec.value(of: .runtimePackages) == .list([.str("numpy"), .str("pandas")]))
    }

    @Test(arguments: [false, true])
    func aliasBombIsOneLocatedError(asKey: Bool) {
        let started = ContinuousClock.now
        let report = SpecLoader.validate(
            bytes: Array(Self.bomb(levels: 9, asKey: asKey).utf8), format: .yaml, file: "spec.yaml",
            context: Self.context)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(report.problems.count == 1, "\(report.problems)")
        let line = report.problems.first?.description ?? ""
        #expect(line.hasPrefix("spec.yaml:"), "\(line)")
        #expect(line.contains("alias") && line.contains("100000 values"), "\(line)")
    }

    @Test func expansionJustUnderTheLimitLoads() throws {
        // 9^5 = 59049 expanded values: big, but under the budget, and named like any other spec.
        let report = SpecLoader.validate(
            bytes: Array(Self.bomb(levels: 5).utf8), format: .yaml, file: "spec.yaml", context: Self.context)
        #expect(report.problems.allSatisfy { !$0.description.contains("alias") }, "\(report.problems)")
    }

    @Test func manyScalarBytesAreBounded() {
        let big = String(repeating: "x", count: 1 << 20)
        var text = "name: big\nx0: &a0 \(big)\nx1: &a1 ["
        text += Array(repeating: "*a0", count: 9).joined(separator: ", ") + "]\n"
        let report = SpecLoader.validate(
            bytes: Array(text.utf8), format: .yaml, file: "spec.yaml", context: Self.context)
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.description.contains("8 MiB") == true, "\(report.problems)")
    }
}
