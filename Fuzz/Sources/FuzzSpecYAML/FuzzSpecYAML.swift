import FuzzDriver
import Spec

/// A context that names no real directory, so nothing a spec says can reach the host's files.
private let context = NamingContext(
    workingDirectory: "/nonexistent/imagespec-fuzz", hostMachine: "x86_64", loadedModuleFiles: nil,
    sourceRootFiles: nil, environment: [:])

/// More YAML aliases than this and the input is skipped: alias expansion is not bounded yet ("billion laughs",
/// issue 12 item 9, fixed on another branch), and without the skip every run would stop at the first alias bomb.
private let maximumAliases = 16

/// ImageSpec YAML (libyaml through Yams, PyYAML typing, the field interpreter): loading never crashes, and every
/// rejection renders as a message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpecYAML(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    if aliasCount(bytes) > maximumAliases { return -1 }
    do {
        let loaded = try SpecLoader.load(bytes: bytes, format: .yaml, file: "spec.yaml", context: context)
        _ = loaded.warnings.map(\.description)
    } catch {
        _ = error.description
    }
    return 0
}

/// How many `*` are followed by something other than a space: an upper bound of the aliases in the text.
private func aliasCount(_ bytes: [UInt8]) -> Int {
    var aliases = 0
    for index in bytes.indices.dropLast() where bytes[index] == UInt8(ascii: "*") {
        let next = bytes[index + 1]
        if next != UInt8(ascii: " ") && next != UInt8(ascii: "\n") { aliases += 1 }
    }
    return aliases
}

/// Runs libFuzzer on ``fuzzSpecYAML(_:_:)``.
@main
enum FuzzSpecYAMLMain {
    static func main() { FuzzDriver.run(fuzzSpecYAML) }
}
