import Foundation
import Registry

/// Google Application Default Credentials: where access tokens come from.
///
/// ``find(environment:)`` searches like Google's client libraries: `GOOGLE_APPLICATION_CREDENTIALS`, then gcloud's
/// well-known file (`$CLOUDSDK_CONFIG/application_default_credentials.json`, else
/// `~/.config/gcloud/application_default_credentials.json`), then the GCE/GKE metadata server
/// (`$GCE_METADATA_HOST`, which is then expected to answer; else the implicit server, `$GCE_METADATA_IP` or
/// `metadata.google.internal`, whose absence just means "not on GCE/GKE").
public enum GoogleCredentials: Sendable, CustomStringConvertible {
    /// A service-account key file: RS256 JWT-bearer grant.
    case serviceAccount(ServiceAccountKey)
    /// A gcloud application-default login: refresh-token grant.
    case authorizedUser(AuthorizedUserCredentials)
    /// The metadata server at `host` (`host[:port]`); `explicit` when `GCE_METADATA_HOST` named it.
    case metadataServer(host: String, explicit: Bool)

    /// The default metadata server host.
    public static let defaultMetadataHost = "metadata.google.internal"

    /// The ADC in `environment`; the metadata server when no file is configured or present: `GCE_METADATA_HOST`
    /// (explicit: failing to reach it is an error), else `GCE_METADATA_IP` or ``defaultMetadataHost`` (implicit:
    /// unreachable means anonymous).
    ///
    /// - Parameter tokenURIOverride: replaces the token endpoint of `authorized_user` files (tests).
    /// - Throws: ``GoogleCloudError`` when `GOOGLE_APPLICATION_CREDENTIALS` names a missing file, or a file is
    ///   malformed (the message names the file and the problem).
    public static func find(
        environment: [String: String], tokenURIOverride: String? = nil
    ) throws(GoogleCloudError) -> GoogleCredentials {
        if let path = environment["GOOGLE_APPLICATION_CREDENTIALS"], !path.isEmpty {
            guard FileManager.default.fileExists(atPath: path) else {
                throw GoogleCloudError(
                    "GOOGLE_APPLICATION_CREDENTIALS=\(path): no such file — point it at a service-account key or "
                        + "unset it")
            }
            return try load(path: path, tokenURIOverride: tokenURIOverride)
        }
        let wellKnown = wellKnownFilePath(environment: environment)
        if FileManager.default.fileExists(atPath: wellKnown) {
            return try load(path: wellKnown, tokenURIOverride: tokenURIOverride)
        }
        if let host = environment["GCE_METADATA_HOST"], !host.isEmpty {
            return .metadataServer(host: host, explicit: true)
        }
        // Google's libraries probe `GCE_METADATA_IP` to detect GCE; an unreachable one means "not on GCE".
        if let address = environment["GCE_METADATA_IP"], !address.isEmpty {
            return .metadataServer(host: address, explicit: false)
        }
        return .metadataServer(host: defaultMetadataHost, explicit: false)
    }

    /// gcloud's ADC file: `$CLOUDSDK_CONFIG/application_default_credentials.json`, else
    /// `$HOME/.config/gcloud/application_default_credentials.json`.
    public static func wellKnownFilePath(environment: [String: String]) -> String {
        if let directory = environment["CLOUDSDK_CONFIG"], !directory.isEmpty {
            return (directory as NSString).appendingPathComponent("application_default_credentials.json")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".config/gcloud/application_default_credentials.json")
    }

    /// Reads a credentials JSON file (`service_account` or `authorized_user`).
    public static func load(path: String, tokenURIOverride: String? = nil) throws(GoogleCloudError) -> GoogleCredentials
    {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw GoogleCloudError("\(path): cannot read the credentials file — check the path and its permissions")
        }
        return try parse(data, path: path, tokenURIOverride: tokenURIOverride)
    }

    /// Parses credentials JSON read from `path` (named in errors).
    public static func parse(
        _ data: Data, path: String, tokenURIOverride: String? = nil
    ) throws(GoogleCloudError) -> GoogleCredentials {
        let fix =
            "download a new key (gcloud iam service-accounts keys create) or run "
            + "`gcloud auth application-default login`"
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw GoogleCloudError("\(path): not a JSON object — not a Google credentials file; \(fix)")
        }
        func field(_ name: String) throws(GoogleCloudError) -> String {
            guard let value = object[name] as? String, !value.isEmpty else {
                throw GoogleCloudError("\(path): missing \"\(name)\" — the credentials file is incomplete; \(fix)")
            }
            return value
        }
        guard let type = object["type"] as? String else {
            throw GoogleCloudError("\(path): missing \"type\" — not a Google credentials file; \(fix)")
        }
        switch type {
        case "service_account":
            let email = try field("client_email")
            let pem = try field("private_key")
            let tokenURI =
                (object["token_uri"] as? String).flatMap { $0.isEmpty ? nil : $0 }
                ?? AuthorizedUserCredentials.defaultTokenURI
            return .serviceAccount(
                try ServiceAccountKey(
                    clientEmail: email, privateKeyPEM: pem, privateKeyID: object["private_key_id"] as? String,
                    tokenURI: tokenURI, projectID: object["project_id"] as? String, path: path))
        case "authorized_user":
            let clientID = try field("client_id")
            let secret = try field("client_secret")
            let refresh = try field("refresh_token")
            let tokenURI =
                tokenURIOverride ?? (object["token_uri"] as? String).flatMap { $0.isEmpty ? nil : $0 }
                ?? AuthorizedUserCredentials.defaultTokenURI
            return .authorizedUser(
                AuthorizedUserCredentials(
                    clientID: clientID, clientSecret: secret, refreshToken: refresh, tokenURI: tokenURI, path: path))
        default:
            throw GoogleCloudError(
                "\(path): credentials type \"\(type)\" is not supported — use a service_account key or "
                    + "`gcloud auth application-default login` (authorized_user)")
        }
    }

    /// Which source this is, without secrets: `service account EMAIL (key file PATH)`, `authorized user (…)`,
    /// `metadata server HOST`.
    public var description: String {
        switch self {
        case .serviceAccount(let key): key.description
        case .authorizedUser(let user): user.description
        case .metadataServer(let host, _): "metadata server \(host)"
        }
    }
}
