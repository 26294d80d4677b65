import Foundation

/// The parts of docker's `config.json` that matter for registry credentials.
struct DockerConfigFile: Decodable, Sendable {
    /// One `auths` entry (docker's `AuthConfig`).
    struct AuthEntry: Decodable, Sendable {
        var auth: String?
        var username: String?
        var password: String?
        var identitytoken: String?
        var registrytoken: String?
    }

    var auths: [String: AuthEntry]?
    var credsStore: String?
    var credHelpers: [String: String]?

    /// An empty configuration: anonymous for every host.
    static let empty = DockerConfigFile(auths: nil, credsStore: nil, credHelpers: nil)

    /// Reads and decodes the file at `path`; a missing (or empty) file is ``empty``.
    ///
    /// - Throws: ``RegistryError`` of kind `configuration` naming the file and what is wrong with it.
    static func load(path: String) throws(RegistryError) -> DockerConfigFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .empty }
        if isDirectory.boolValue {
            throw .configuration(
                file: path, problem: "is a directory, not a docker config file",
                fix: "point DOCKER_CONFIG at the directory that contains config.json")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .configuration(
                file: path, problem: "cannot be read (\(Redaction.oneLine(error.localizedDescription)))",
                fix: "check its permissions")
        }
        return try decode(data, source: path)
    }

    /// Decodes config JSON read from `source` (a path, or `DOCKER_AUTH_CONFIG`).
    static func decode(_ data: Data, source: String) throws(RegistryError) -> DockerConfigFile {
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return .empty }
        do {
            return try JSONDecoder().decode(DockerConfigFile.self, from: data)
        } catch {
            throw .configuration(
                file: source, problem: "is not a valid docker config file: \(DecodingProblem.describe(error))",
                fix: "fix the JSON, or move the file away and run docker login again")
        }
    }
}
