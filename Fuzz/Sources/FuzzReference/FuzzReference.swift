import FuzzDriver
import OCI

/// Image references (`ubuntu:22.04`, `host:5000/a/b@sha256:…`): parsing must never crash, and the normalised form of
/// anything accepted must parse back to the same reference.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReference(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    guard let reference = try? Reference(text) else { return 0 }
    let normalised = reference.description
    guard let again = try? Reference(normalised) else {
        fatalError("normalised form \(normalised) of \(text.debugDescription) does not parse")
    }
    precondition(again == reference, "\(normalised) parses to \(again), not \(reference)")
    precondition(again.description == normalised, "normalised form is not stable: \(again.description)")
    _ = reference.apiHost
    _ = reference.identifier
    return 0
}

/// Runs libFuzzer on ``fuzzReference(_:_:)``.
@main
enum FuzzReferenceMain {
    static func main() { FuzzDriver.run(fuzzReference) }
}
