import FuzzDriver
import Registry

/// `WWW-Authenticate` values: the parser never fails, so the only oracle is that it does not crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuthChallenge(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    // Several values, as a response that repeats the header would give them.
    let challenges = AuthChallenge.parse(
        headers: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
    if let preferred = AuthChallenge.preferred(in: challenges) {
        _ = preferred.realm
        _ = preferred.scopes
        _ = preferred.scheme.description
    }
    return 0
}

/// Runs libFuzzer on ``fuzzAuthChallenge(_:_:)``.
@main
enum FuzzAuthChallengeMain {
    static func main() { FuzzDriver.run(fuzzAuthChallenge) }
}
