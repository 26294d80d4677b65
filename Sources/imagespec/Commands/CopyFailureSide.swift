import Foundation
import GoogleCloud
import OCI
import Registry

/// Which side of `imagespec copy` a registry error came from: the request's repository path (`/v2/NAME/…`) and
/// host against the endpoints registries.conf gives source and destination (both may be the same host).
enum CopyFailureSide: Equatable {
    /// A request to the source repository (a pull).
    case source
    /// A request to the destination repository (a blob check, mount, upload or manifest push).
    case destination

    /// The side `error` belongs to; a request that names neither repository (a token endpoint) is put on the
    /// Google side when only one side is Google, else on the source (it is read first).
    init(
        _ error: RegistryError, source: Reference, destination: Reference, configuration: RegistriesConfiguration
    ) {
        let path = error.url.flatMap { URLComponents(string: $0)?.path } ?? ""
        let host = error.host?.lowercased()
        func touches(_ endpoints: [RegistryEndpoint]) -> Bool {
            endpoints.contains { host == $0.host.lowercased() && path.hasPrefix("/v2/\($0.repository)/") }
        }
        if let resolved = try? configuration.resolve(destination), touches([resolved.primary]) {
            self = .destination
        } else if let resolved = try? configuration.resolve(source), touches(resolved.pullSources) {
            self = .source
        } else if ArtifactRegistryHost.isGoogleHost(destination.registry)
            && !ArtifactRegistryHost.isGoogleHost(source.registry)
        {
            self = .destination
        } else {
            self = .source
        }
    }
}
