import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An in-process HTTP/1.1 server on 127.0.0.1 (free port) for the edge cases a real registry cannot show:
/// 429 + Retry-After, 500 then success, a wrong `Docker-Content-Digest`, a reset mid-upload, cross-origin redirects.
///
/// ```swift
/// let server = try await FakeHTTPServer.start { request in
///     request.path == "/v2/" ? .text(200, "{}") : .registryError(404, code: "NAME_UNKNOWN", message: "no repo")
/// }
/// // … point the client at server.host; afterwards inspect server.requests
/// await server.shutdown()
/// ```
/// Call `shutdown()` when done: the accept loop keeps the server alive until then.
/// The handler sees each complete request (body included) and may answer, answer and close, or reset the
/// connection. `abortRequest` can reset a connection *while the body is still arriving* (a reset mid-upload).
/// Every request is recorded in `requests`, e.g. to check that `Authorization` did not follow a redirect.
public final class FakeHTTPServer: Sendable {
    /// A handler: from a complete request to the answer.
    public typealias Handler = @Sendable (FakeRequest) async -> FakeResponse
    /// Decides from a request head whether to reset the connection after that many body bytes arrived
    /// (`0` = right away, before reading any body); `nil` lets the request through to the handler.
    public typealias AbortDecision = @Sendable (FakeRequestHead) -> Int?

    /// The listening port on 127.0.0.1.
    public let port: Int
    /// `127.0.0.1:PORT`.
    public var host: String { "127.0.0.1:\(port)" }
    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://\(host)" }

    private let serverChannel: any Channel
    private let state: Mutex<State>
    private let acceptTask: Mutex<Task<Void, Never>?>

    private struct State {
        var requests: [FakeRequest] = []
        var started = 0
        var connections: [ObjectIdentifier: any Channel] = [:]
        var connectionCount = 0
    }

    private init(port: Int, serverChannel: any Channel) {
        self.port = port
        self.serverChannel = serverChannel
        self.state = Mutex(State())
        self.acceptTask = Mutex(nil)
    }

    deinit {
        serverChannel.close(promise: nil)
    }

    /// Starts a server on 127.0.0.1 with a free port.
    ///
    /// - Parameters:
    ///   - abortRequest: optional; return a byte count to reset the connection once that much body arrived.
    ///   - handler: answers each complete request.
    public static func start(
        abortRequest: AbortDecision? = nil, handler: @escaping Handler
    ) async throws -> FakeHTTPServer {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: false)
        let listener = try await bootstrap.bind(host: "127.0.0.1", port: 0) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                    wrappingChannelSynchronously: channel)
            }
        }
        guard let port = listener.channel.localAddress?.port else {
            throw TestSupportError("FakeHTTPServer: the listening socket has no port")
        }
        let server = FakeHTTPServer(port: port, serverChannel: listener.channel)
        let task = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask {
                                await server.serve(connection, abortRequest: abortRequest, handler: handler)
                            }
                        }
                    }
                } catch {
                    // The listener was closed (shutdown) or failed: stop accepting.
                }
            }
        }
        server.acceptTask.withLock { $0 = task }
        return server
    }

    /// Every request received so far (complete ones; a reset request is recorded with the body received so far).
    public var requests: [FakeRequest] {
        state.withLock { $0.requests }
    }

    /// Stops listening, closes open connections and waits for the server's tasks to finish.
    public func shutdown() async {
        let connections = state.withLock { Array($0.connections.values) }
        try? await serverChannel.close()
        for connection in connections {
            try? await connection.close()
        }
        let task = acceptTask.withLock { $0 }
        await task?.value
    }

    // MARK: - connections

    private func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        abortRequest: AbortDecision?, handler: Handler
    ) async {
        let channel = connection.channel
        let key = ObjectIdentifier(channel)
        let number = state.withLock { state in
            state.connectionCount += 1
            state.connections[key] = channel
            return state.connectionCount
        }
        defer { _ = state.withLock { $0.connections.removeValue(forKey: key) } }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = Data()
                var resetAfter: Int?
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body = Data()
                        let index = state.withLock { state in
                            defer { state.started += 1 }
                            return state.started
                        }
                        resetAfter = abortRequest?(
                            FakeRequestHead(
                                method: requestHead.method.rawValue, uri: requestHead.uri,
                                headers: requestHead.headers.map { ($0.name, $0.value) }, index: index))
                        if let limit = resetAfter, limit <= 0 {
                            record(requestHead, body: body, connection: number)
                            try await reset(channel)
                            return
                        }
                    case .body(let buffer):
                        body.append(contentsOf: buffer.readableBytesView)
                        if let limit = resetAfter, body.count >= limit, let requestHead = head {
                            record(requestHead, body: body, connection: number)
                            try await reset(channel)
                            return
                        }
                    case .end:
                        guard let requestHead = head else { continue }
                        head = nil
                        let request = record(requestHead, body: body, connection: number)
                        let response = await handler(request)
                        switch response.disposition {
                        case .reset:
                            try await reset(channel)
                            return
                        case .respondAndClose:
                            try await write(response, for: requestHead, keepAlive: false, to: outbound)
                            return
                        case .respond:
                            try await write(
                                response, for: requestHead, keepAlive: requestHead.isKeepAlive, to: outbound)
                            if !requestHead.isKeepAlive { return }
                        }
                    }
                }
            }
        } catch {
            // Client went away or the connection was reset on purpose: nothing to report.
        }
    }

    @discardableResult
    private func record(_ head: HTTPRequestHead, body: Data, connection: Int) -> FakeRequest {
        let request = FakeRequest(
            method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body,
            connectionNumber: connection)
        state.withLock { $0.requests.append(request) }
        return request
    }

    private func write(
        _ response: FakeResponse, for request: HTTPRequestHead, keepAlive: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
        if !headers.contains(name: "Content-Length") && !headers.contains(name: "Transfer-Encoding") {
            headers.add(name: "Content-Length", value: String(response.body.count))
        }
        if !keepAlive {
            headers.replaceOrAdd(name: "Connection", value: "close")
        }
        let head = HTTPResponseHead(
            version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        try await outbound.write(.head(head))
        if request.method != .HEAD && !response.body.isEmpty {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }

    /// Closes the connection with SO_LINGER 0, so the peer gets a TCP RST instead of an orderly FIN.
    private func reset(_ channel: any Channel) async throws {
        if let options = channel as? any SocketOptionProvider {
            try? await options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
        throw CancellationError()
    }
}
