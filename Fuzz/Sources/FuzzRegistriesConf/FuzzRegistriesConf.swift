import FuzzDriver
import OCI
import Registry

private let references = ["ubuntu", "docker.io/library/python:3.11", "localhost:5000/a/b:t", "quay.io/x/y"].map {
    try! Reference($0)
}

/// containers-registries.conf(5) text (TOML, through TOMLKit): loading never crashes, and a configuration that
/// loads can resolve references and hosts without crashing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegistriesConf(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    guard let configuration = try? RegistriesConfiguration(parsing: text, path: "registries.conf") else { return 0 }
    _ = configuration.prefixes
    for reference in references {
        _ = try? configuration.resolve(reference)
        _ = configuration.endpoint(forHost: reference.registry)
    }
    return 0
}

/// Runs libFuzzer on ``fuzzRegistriesConf(_:_:)``.
@main
enum FuzzRegistriesConfMain {
    static func main() { FuzzDriver.run(fuzzRegistriesConf) }
}
