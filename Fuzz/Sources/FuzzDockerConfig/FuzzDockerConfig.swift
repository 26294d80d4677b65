import Foundation
import FuzzDriver
@_spi(Testing) import Registry

/// Hosts looked up in every configuration: Docker Hub (several `auths` keys), a host with a port, a plain host.
private let hosts = ["docker.io", "localhost:5000", "ghcr.io"]

/// docker `config.json` text, given as `DOCKER_AUTH_CONFIG` (the same decoder as the file) with `DOCKER_CONFIG`
/// naming a directory without a config file, so no credential helper is ever run: decoding and the credential
/// lookup (`auths` keys, base64 `auth`) never crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDockerConfig(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    let provider = DockerConfigCredentials(
        environment: ["DOCKER_AUTH_CONFIG": text, "DOCKER_CONFIG": "/nonexistent/imagespec-fuzz", "PATH": ""])
    for host in hosts {
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                _ = try await provider.credential(for: host)
            } catch {
                _ = String(describing: error)
            }
            done.signal()
        }
        done.wait()
    }
    // Each input's credentials were registered for redaction; forgetting them keeps every run as fast as the first
    // (otherwise each error message searches all secrets of all earlier inputs).
    Redaction.unregisterAll()
    return 0
}

/// Runs libFuzzer on ``fuzzDockerConfig(_:_:)``.
@main
enum FuzzDockerConfigMain {
    static func main() { FuzzDriver.run(fuzzDockerConfig) }
}
