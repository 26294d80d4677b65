import Foundation
import Registry
import _CryptoExtras

/// A service-account JSON key (`"type": "service_account"`): the identity and the RSA key that signs JWT-bearer
/// grants. ``description`` never shows the key.
public struct ServiceAccountKey: Sendable, CustomStringConvertible {
    /// The service account's e-mail (`name@project.iam.gserviceaccount.com`).
    public let clientEmail: String
    /// The key's ID (the JWT `kid`), if the file has one.
    public let privateKeyID: String?
    /// Where the signed assertion is exchanged for an access token (`https://oauth2.googleapis.com/token`).
    public let tokenURI: String
    /// The project the service account belongs to, if the file says.
    public let projectID: String?
    /// The file the key was read from.
    public let path: String
    let privateKey: _RSA.Signing.PrivateKey

    /// Builds a key from its parts (the PEM is PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`).
    public init(
        clientEmail: String, privateKeyPEM: String, privateKeyID: String?, tokenURI: String, projectID: String?,
        path: String
    ) throws(GoogleCloudError) {
        do {
            self.privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw GoogleCloudError(
                "\(path): private_key is not a PEM RSA private key — download a new key for \(clientEmail) "
                    + "(gcloud iam service-accounts keys create)")
        }
        Self.registerSecret(pem: privateKeyPEM)
        self.clientEmail = clientEmail
        self.privateKeyID = privateKeyID
        self.tokenURI = tokenURI
        self.projectID = projectID
        self.path = path
    }

    /// `service account NAME@… (key file PATH)`.
    public var description: String { "service account \(clientEmail) (key file \(path))" }

    /// Registers the PEM and each of its base64 lines with ``Redaction``, so none can appear in a message.
    static func registerSecret(pem: String) {
        Redaction.register(pem)
        for line in pem.split(whereSeparator: \.isNewline) where !line.hasPrefix("-----") {
            Redaction.register(String(line))
        }
    }
}
