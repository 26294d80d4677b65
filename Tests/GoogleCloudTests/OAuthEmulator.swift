import Foundation
import Synchronization
import TestSupport
import _CryptoExtras

/// A local Google OAuth2 token endpoint on a `FakeHTTPServer` that verifies what it gets:
/// - JWT-bearer grants: RS256 signature with the test key's public key, header `kid`, claims `iss`, `sub`, `aud`,
///   `scope`, `iat`/`exp`;
/// - refresh-token grants: client ID, client secret and refresh token.
/// It answers a fresh access token, or `400 invalid_grant` once `revoked` is set (or the grant does not verify).
final class OAuthEmulator: Sendable {
    struct State {
        var revoked = false
        var expiresIn = 3599
        var accessToken: String?
        var issued: [String] = []
        var rejections: [String] = []
    }

    final class Box: Sendable {
        let mutex = Mutex(State())
    }

    let server: FakeHTTPServer
    let box: Box

    var tokenURI: String { server.baseURL + "/token" }
    var issued: [String] { box.mutex.withLock { $0.issued } }
    var rejections: [String] { box.mutex.withLock { $0.rejections } }
    var requestCount: Int { server.requests.count }

    func revoke() { box.mutex.withLock { $0.revoked = true } }
    func setExpiresIn(_ seconds: Int) { box.mutex.withLock { $0.expiresIn = seconds } }
    /// Every grant from now on returns `token`.
    func setAccessToken(_ token: String) { box.mutex.withLock { $0.accessToken = token } }

    private init(server: FakeHTTPServer, box: Box) {
        self.server = server
        self.box = box
    }

    /// Starts the endpoint. `accessToken` (if given) is the token every grant returns; otherwise a fresh one each.
    static func start(
        serviceAccount: TestServiceAccount? = nil, user: TestAuthorizedUser? = nil, accessToken: String? = nil
    ) async throws -> OAuthEmulator {
        let box = Box()
        box.mutex.withLock { $0.accessToken = accessToken }
        let server = try await FakeHTTPServer.start { request in
            let tokenURI = "http://\(request.header("Host") ?? "")/token"
            let problem = Self.check(request, serviceAccount: serviceAccount, user: user, tokenURI: tokenURI)
            return box.mutex.withLock { state in
                if let problem { state.rejections.append(problem) }
                if problem != nil || state.revoked {
                    return .json(
                        400, #"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#)
                }
                let token = state.accessToken ?? "ya29.test-\(UUID().uuidString)"
                state.issued.append(token)
                return .json(
                    200, #"{"access_token":"\#(token)","expires_in":\#(state.expiresIn),"token_type":"Bearer"}"#)
            }
        }
        return OAuthEmulator(server: server, box: box)
    }

    func shutdown() async { await server.shutdown() }

    /// nil when the request is a valid grant; otherwise what is wrong with it.
    static func check(
        _ request: FakeRequest, serviceAccount: TestServiceAccount?, user: TestAuthorizedUser?, tokenURI: String
    ) -> String? {
        guard request.method == "POST", request.path == "/token" else { return "not POST /token" }
        guard request.header("Content-Type") == "application/x-www-form-urlencoded" else { return "content type" }
        let form = Self.parseForm(String(decoding: request.body, as: UTF8.self))
        switch form["grant_type"] {
        case "urn:ietf:params:oauth:grant-type:jwt-bearer":
            guard let serviceAccount else { return "no service account expected" }
            guard let assertion = form["assertion"] else { return "no assertion" }
            return verifyJWT(assertion, serviceAccount: serviceAccount, tokenURI: tokenURI)
        case "refresh_token":
            guard let user else { return "no authorized user expected" }
            guard form["client_id"] == user.clientID else { return "client_id" }
            guard form["client_secret"] == user.clientSecret else { return "client_secret" }
            guard form["refresh_token"] == user.refreshToken else { return "refresh_token" }
            return nil
        default:
            return "grant_type \(form["grant_type"] ?? "none")"
        }
    }

    static func verifyJWT(_ jwt: String, serviceAccount: TestServiceAccount, tokenURI: String) -> String? {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let headerData = base64URLDecode(parts[0]), let claimsData = base64URLDecode(parts[1]),
            let signature = base64URLDecode(parts[2])
        else { return "JWT shape" }
        let valid = serviceAccount.key.publicKey.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: Data("\(parts[0]).\(parts[1])".utf8),
            padding: .insecurePKCS1v1_5)
        guard valid else { return "bad signature" }
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: claimsData) as? [String: Any]
        else { return "JWT JSON" }
        guard header["alg"] as? String == "RS256", header["typ"] as? String == "JWT" else { return "header alg/typ" }
        guard header["kid"] as? String == serviceAccount.keyID else { return "header kid" }
        guard claims["iss"] as? String == serviceAccount.email else { return "iss" }
        guard claims["sub"] as? String == serviceAccount.email else { return "sub" }
        guard claims["aud"] as? String == tokenURI else { return "aud \(claims["aud"] ?? "")" }
        guard claims["scope"] as? String == "https://www.googleapis.com/auth/cloud-platform" else { return "scope" }
        guard let iat = (claims["iat"] as? NSNumber)?.intValue, let exp = (claims["exp"] as? NSNumber)?.intValue
        else { return "iat/exp" }
        guard exp - iat == 3600, abs(Int(Date().timeIntervalSince1970) - iat) < 120 else { return "iat/exp values" }
        return nil
    }

    static func parseForm(_ body: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(halves[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value =
                halves.count > 1
                ? (String(halves[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            result[name] = value
        }
        return result
    }

    static func base64URLDecode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
