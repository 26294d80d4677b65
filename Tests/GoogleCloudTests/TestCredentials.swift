import Foundation
import TestSupport
import _CryptoExtras

/// A freshly generated service account: RSA key, e-mail, key ID; writes its JSON key file.
struct TestServiceAccount: Sendable {
    let key: _RSA.Signing.PrivateKey
    let email = "imagespec-test@test-project.iam.gserviceaccount.com"
    let keyID = "kid-\(UUID().uuidString.prefix(8))"

    init() throws {
        key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
    }

    var pem: String { key.pkcs8PEMRepresentation }

    /// The base64 lines of the PEM: each is a secret that must never be shown.
    var secretLines: [String] {
        pem.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.hasPrefix("-----") }
    }

    /// The JSON of a Google service-account key file with `tokenURI`.
    func json(tokenURI: String) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "type": "service_account", "project_id": "test-project", "private_key_id": keyID, "private_key": pem,
            "client_email": email, "client_id": "1234567890", "token_uri": tokenURI,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        ])
    }

    /// Writes the key file into `directory` and returns its path.
    func write(tokenURI: String, in directory: String) throws -> String {
        let path = directory + "/sa-key.json"
        try json(tokenURI: tokenURI).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// A gcloud application-default login (`authorized_user`) with random secrets.
struct TestAuthorizedUser: Sendable {
    let clientID = "123-test.apps.googleusercontent.com"
    let clientSecret = "client-secret-\(UUID().uuidString)"
    let refreshToken = "1//refresh-\(UUID().uuidString)"

    /// Writes `application_default_credentials.json` into `directory` (a CLOUDSDK_CONFIG) and returns its path.
    func write(in directory: String) throws -> String {
        let path = directory + "/application_default_credentials.json"
        let data = try JSONSerialization.data(withJSONObject: [
            "type": "authorized_user", "client_id": clientID, "client_secret": clientSecret,
            "refresh_token": refreshToken,
        ])
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }
}
