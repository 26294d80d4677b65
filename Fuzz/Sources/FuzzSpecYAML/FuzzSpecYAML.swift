import FuzzDriver
import Spec

/// A context that names no real directory, so nothing a spec says can reach the host's files.
private let context = NamingContext(
    workingDirectory: "/nonexistent/imagespec-fuzz", hostMachine: "x86_64", loadedModuleFiles: nil,
    sourceRootFiles: nil, environment: [:])

/// ImageSpec YAML (libyaml through Yams, PyYAML typing, the field interpreter): loading never crashes, and every
/// rejection renders as a message. Alias bombs are in scope: the loader's alias budget (`YAMLAliasBudget`) must stop
/// them within libFuzzer's time (10 s) and memory (2 GB) limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpecYAML(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    do {
        let loaded = try SpecLoader.load(bytes: bytes, format: .yaml, file: "spec.yaml", context: context)
        _ = loaded.warnings.map(\.description)
    } catch {
        _ = error.description
    }
    return 0
}

/// Runs libFuzzer on ``fuzzSpecYAML(_:_:)``.
@main
enum FuzzSpecYAMLMain {
    static func main() { FuzzDriver.run(fuzzSpecYAML) }
}
