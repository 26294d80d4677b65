import Foundation
import OCI
import TestSupport
import Testing

@testable import Registry

/// Retries, against the in-process fake server: a real `docker-registry` never answers 429 or 500 on demand and
/// cannot reset a connection in the middle of an upload.
@Suite("registry client: retries")
struct RetryTests {
    @Test("429 with Retry-After: the client waits as told, then succeeds")
    func tooManyRequestsThenSuccess() async throws {
        let tally = ClientTally()
        let server = try await FakeHTTPServer.start { request in
            switch request.path {
            case "/v2/": return ClientFakeRegistry.apiRoot
            case "/v2/app/manifests/v1":
                if tally.next("manifest") == 1 {
                    return .registryError(
                        429, code: "TOOMANYREQUESTS", message: "slow down", headers: [("Retry-After", "1")])
                }
                return ClientFakeRegistry.manifest()
            default: return .registryError(404, code: "NAME_UNKNOWN", message: "no")
            }
        }
        let client = ClientTestSupport.client()
        let started = ContinuousClock.now
        let raw = try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v1"))
        let elapsed = ContinuousClock.now - started
        await server.shutdown()
        #expect(raw.digest == ClientFakeRegistry.manifestDigest)
        #expect(tally.count("manifest") == 2)
        // fastRetry's own delay is 20 ms: only Retry-After explains a wait of about a second.
        #expect(elapsed >= .milliseconds(900))
    }

    @Test("a Retry-After longer than the policy allows ends the retries at once")
    func retryAfterTooLong() async throws {
        let server = try await FakeHTTPServer.start { request in
            request.path == "/v2/"
                ? ClientFakeRegistry.apiRoot
                : .registryError(
                    429, code: "TOOMANYREQUESTS", message: "come back tomorrow",
                    headers: [("Retry-After", "86400")])
        }
        let client = ClientTestSupport.client()
        let error = try await #require(throws: RegistryError.self) {
            try await client.getManifest(try ClientTestSupport.reference(server.host, "app", tag: "v1"))
        }
        await server.shutdown()
        #expect(error.status == 429)
        #expect(error.codes == ["TOOMANYREQUESTS"])
        #expect(ClientFakeRegistry.requests(server, path: "/v2/app/manifests/v1").count == 1)
    }

    @Test("500 then success; 501 is not retried; 503 forever gives up after maxAttempts", arguments: [500, 501, 503])
    func serverErrors(status: Int) async throws {
        let tally = ClientTally()
        let blob = Data("blob bytes".utf8)
        let server = try await FakeHTTPServer.start { request in
            if request.path == "/v2/" { return ClientFakeRegistry.apiRoot }
            let attempt = tally.next("blob")
            if status == 500 && attempt > 1 {
                return FakeResponse(status: 200, body: blob)
            }
            return .registryError(status, code: "UNKNOWN", message: "server trouble")
        }
        let client = ClientTestSupport.client()
        let reference = try ClientTestSupport.reference(server.host, "app")
        do {
            let data = try await client.getBlob(Digest.sha256(blob), from: reference)
            #expect(status == 500)
            #expect(data == blob)
            #expect(tally.count("blob") == 2)
        } catch {
            #expect(status != 500)
            #expect(error.status == status)
            #expect(tally.count("blob") == (status == 501 ? 1 : ClientTestSupport.fastRetry.maxAttempts))
        }
        await server.shutdown()
    }

    @Test("a connection reset in the middle of an upload restarts it cleanly: new session, whole file again")
    func resetMidUpload() async throws {
        let directory = try ClientTestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try ClientTestSupport.randomFile(2 * 1024 * 1024, in: directory)
        let tally = ClientTally()
        let server = try await FakeHTTPServer.start(
            abortRequest: { head in
                // The first PUT is cut off after 256 KiB of its body.
                head.method == "PUT" && tally.next("put-head") == 1 ? 256 * 1024 : nil
            },
            handler: { request in
                switch (request.method, request.path) {
                case (_, "/v2/"):
                    return ClientFakeRegistry.apiRoot
                case ("POST", "/v2/app/blobs/uploads/"):
                    let session = tally.next("session")
                    return FakeResponse(
                        status: 202, headers: [("Location", "/v2/app/blobs/uploads/s\(session)?_state=st\(session)")])
                case ("PUT", let path) where path.hasPrefix("/v2/app/blobs/uploads/"):
                    let received = Digest.sha256(request.body)
                    guard request.query["digest"] == received.description else {
                        return .registryError(400, code: "DIGEST_INVALID", message: "digest mismatch")
                    }
                    return FakeResponse(status: 201, headers: [("Docker-Content-Digest", received.description)])
                default:
                    return .registryError(404, code: "NAME_UNKNOWN", message: "no")
                }
            })
        let client = ClientTestSupport.client()
        try await client.uploadBlob(
            from: file.path, digest: file.digest, size: Int64(file.data.count),
            to: try ClientTestSupport.reference(server.host, "app"))
        await server.shutdown()

        let puts = server.requests.filter { $0.method == "PUT" }
        #expect(puts.count == 2)
        #expect(tally.count("session") == 2)  // the broken session is abandoned, a new one started
        let first = try #require(puts.first)
        #expect(first.body.count < file.data.count)
        let second = try #require(puts.last)
        #expect(second.body == file.data)
        #expect(second.uri.hasPrefix("/v2/app/blobs/uploads/s2?_state=st2&digest="))
        #expect(second.header("Content-Length") == String(file.data.count))
        #expect(second.header("Transfer-Encoding") == nil)
    }

    @Test("Retry-After values: seconds and HTTP dates")
    func retryAfterParsing() throws {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryPolicy.parseRetryAfter("7") == .seconds(7))
        #expect(RetryPolicy.parseRetryAfter(" 0 ") == .zero)
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == .zero)
        #expect(RetryPolicy.parseRetryAfter("Wednesday, 21-Oct-15 07:28:10 GMT", now: now) == .seconds(10))
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        #expect(RetryPolicy.parseRetryAfter("-3") == nil)
    }

    @Test("backoff grows, is capped, has jitter, and stops after maxAttempts")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .milliseconds(300))
        for _ in 0..<50 {
            let first = policy.delay(afterAttempt: 1, retryAfter: nil)!
            #expect(first >= .milliseconds(50) && first <= .milliseconds(100))
            let third = policy.delay(afterAttempt: 3, retryAfter: nil)!
            #expect(third >= .milliseconds(150) && third <= .milliseconds(300))
        }
        #expect(policy.delay(afterAttempt: 5, retryAfter: nil) == nil)
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(2)) == .seconds(2))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3600)) == nil)
        #expect(RetryPolicy.none.delay(afterAttempt: 1, retryAfter: nil) == nil)
    }
}

/// The retry budget: time spent waiting, not a count of tries.
@Suite("registry client: retry budget")
struct RetryBudgetTests {
    @Test("delays stop once the budget is spent; the last one is cut to what is left")
    func budgetLimitsWaiting() throws {
        let policy = RetryPolicy(budget: .seconds(1), baseDelay: .milliseconds(100), maxDelay: .milliseconds(400))
        var waited: Duration = .zero
        var attempt = 1
        while let delay = policy.delay(afterAttempt: attempt, waited: waited, retryAfter: nil) {
            #expect(delay > .zero && delay <= .milliseconds(400))
            waited += delay
            attempt += 1
        }
        #expect(waited == .seconds(1))
        #expect(attempt > 4)
        // The default budget waits out six failures in a row (the old policy gave up after four tries).
        var defaultWaited: Duration = .zero
        for attempt in 1...6 {
            let delay = RetryPolicy.default.delay(afterAttempt: attempt, waited: defaultWaited, retryAfter: nil)
            defaultWaited += try #require(delay)
        }
    }

    @Test("Retry-After counts against the budget; one longer than what is left ends the retries")
    func retryAfterAndBudget() {
        let policy = RetryPolicy(budget: .seconds(10))
        #expect(policy.delay(afterAttempt: 1, waited: .seconds(7), retryAfter: .seconds(2)) == .seconds(2))
        #expect(policy.delay(afterAttempt: 1, waited: .seconds(9), retryAfter: .seconds(2)) == nil)
        #expect(RetryPolicy.none.delay(afterAttempt: 1, retryAfter: .seconds(1)) == nil)
        #expect(RetryPolicy(budget: .zero).delay(afterAttempt: 1, retryAfter: nil) == nil)
    }
}
