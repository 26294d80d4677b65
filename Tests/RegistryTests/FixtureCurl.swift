import Foundation
import TestSupport

/// A tiny HTTP client for the fixture self-tests built on the real `curl`, so the fixtures are checked by a tool
/// that is independent of the project's own registry client.
struct FixtureCurl {
    struct Response {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: Data

        func header(_ name: String) -> String? {
            headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw TestSupportError("not a JSON object: \(text)")
            }
            return object
        }
    }

    /// Runs one request; `basic` is "user:password" for `-u`, `bearer` a token.
    static func request(
        _ method: String, _ url: String, basic: String? = nil, bearer: String? = nil,
        headers: [String] = [], body: Data? = nil
    ) async throws -> Response {
        let scratch = try makeTemporaryDirectory(prefix: "fixture-curl")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var arguments = ["-sS", "-D", scratch + "/headers", "-w", "%{http_code}"]
        arguments += method == "HEAD" ? ["-I", "-o", "/dev/null"] : ["-X", method, "-o", scratch + "/body"]
        if let basic { arguments += ["-u", basic] }
        if let bearer { arguments += ["-H", "Authorization: Bearer \(bearer)"] }
        for header in headers { arguments += ["-H", header] }
        if let body {
            try body.write(to: URL(fileURLWithPath: scratch + "/request"))
            arguments += ["--data-binary", "@" + scratch + "/request"]
        }
        arguments.append(url)
        let result = try await ExternalTool.runAsync("curl", arguments, timeout: .seconds(60)).check()
        let headerText = (try? String(contentsOfFile: scratch + "/headers", encoding: .utf8)) ?? ""
        var parsed: [(name: String, value: String)] = []
        for line in headerText.components(separatedBy: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            parsed.append((String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces)))
        }
        let data = (try? Data(contentsOf: URL(fileURLWithPath: scratch + "/body"))) ?? Data()
        return Response(status: Int(result.stdout) ?? -1, headers: parsed, body: data)
    }

    /// Uploads `blob` to `repository` (POST, then monolithic PUT with the digest); returns the PUT's response.
    static func pushBlob(
        _ blob: Data, repository: String, registry: RegistryFixture, basic: String? = nil, bearer: String? = nil
    ) async throws -> Response {
        let start = try await request(
            "POST", "\(registry.baseURL)/v2/\(repository)/blobs/uploads/", basic: basic, bearer: bearer)
        guard start.status == 202, let location = start.header("Location") else { return start }
        let absolute = location.hasPrefix("http") ? location : registry.baseURL + location
        let separator = absolute.contains("?") ? "&" : "?"
        return try await request(
            "PUT", absolute + separator + "digest=" + sha256Digest(blob), basic: basic, bearer: bearer,
            headers: ["Content-Type: application/octet-stream"], body: blob)
    }

    /// Asks the fixture's token server for a token for `scopes`, with optional Basic credentials.
    static func token(
        from registry: RegistryFixture, scopes: [String], basic: String?
    ) async throws -> Response {
        guard let realm = registry.tokenRealm, let service = registry.tokenService else {
            throw TestSupportError("registry has no token server")
        }
        var components = URLComponents(string: realm)!
        components.queryItems =
            [URLQueryItem(name: "service", value: service)]
            + scopes.map { URLQueryItem(name: "scope", value: $0) }
        return try await request("GET", components.string!, basic: basic)
    }

    /// POSTs a form to the token server.
    static func postToken(to registry: RegistryFixture, form: [String: String]) async throws -> Response {
        var components = URLComponents()
        components.queryItems = form.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let body = components.percentEncodedQuery!.replacingOccurrences(of: "+", with: "%2B")
        return try await request(
            "POST", registry.tokenRealm!, headers: ["Content-Type: application/x-www-form-urlencoded"],
            body: Data(body.utf8))
    }
}
