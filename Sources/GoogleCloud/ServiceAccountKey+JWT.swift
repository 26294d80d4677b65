import Foundation
import _CryptoExtras

extension ServiceAccountKey {
    /// The cloud-platform scope: everything the Artifact Registry needs.
    public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

    /// A signed JWT-bearer assertion: header `{alg: RS256, typ: JWT, kid}`, claims `iss`/`sub` = ``clientEmail``,
    /// `aud` = ``tokenURI``, `scope`, `iat` = `now`, `exp` = `iat + 3600`; RS256 = PKCS#1 v1.5 with SHA-256.
    public func assertion(scope: String = cloudPlatformScope, now: Date = Date()) throws(GoogleCloudError) -> String {
        var header: [String: String] = ["alg": "RS256", "typ": "JWT"]
        if let privateKeyID, !privateKeyID.isEmpty { header["kid"] = privateKeyID }
        let issuedAt = Int(now.timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": clientEmail, "sub": clientEmail, "aud": tokenURI, "scope": scope,
            "iat": issuedAt, "exp": issuedAt + 3600,
        ]
        do {
            let headerData = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
            let claimsData = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
            let signingInput = Self.base64URL(headerData) + "." + Self.base64URL(claimsData)
            let signature = try privateKey.signature(for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
            return signingInput + "." + Self.base64URL(signature.rawRepresentation)
        } catch {
            throw GoogleCloudError(
                "\(path): cannot sign a token request with the key of \(clientEmail) — "
                    + "download a new key (gcloud iam service-accounts keys create)")
        }
    }

    /// Base64url without padding.
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
