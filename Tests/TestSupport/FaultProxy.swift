import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An HTTP/1.1 proxy on 127.0.0.1 (free port) in front of a real registry that injects faults into the requests its
/// ``FaultRule``s match: statuses with `Retry-After` (seconds or HTTP date), resets after N bytes of the request or
/// the response, a stalled request body (it stops reading), a response that never comes or stops, a corrupted
/// body, a response dropped after the registry acted.
///
/// ```swift
/// let registry = try await RegistryFixture.start()
/// let proxy = try await FaultProxy.start(upstreamPort: registry.port)
/// proxy.setRules([FaultRule(method: "GET", path: "/blobs/", occurrences: 1...6, fault: .status(502))])
/// // … point the client at proxy.host; afterwards inspect proxy.requests
/// await proxy.shutdown()
/// ```
/// Requests are forwarded one connection each (`Connection: close` upstream) with their `Host` header kept, so the
/// registry's upload `Location`s point back at the proxy. Bodies are buffered (test images are small).
public final class FaultProxy: Sendable {
    /// The listening port on 127.0.0.1.
    public let port: Int
    /// `127.0.0.1:PORT`.
    public var host: String { "127.0.0.1:\(port)" }
    /// The registry's port on 127.0.0.1.
    public let upstreamPort: Int

    private let serverChannel: any Channel
    private let state = Mutex(State())
    private let acceptTask = Mutex<Task<Void, Never>?>(nil)

    private struct State {
        var rules: [FaultRule] = []
        var counts: [Int] = []
        var requests: [ProxiedRequest] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    private init(port: Int, upstreamPort: Int, serverChannel: any Channel) {
        self.port = port
        self.upstreamPort = upstreamPort
        self.serverChannel = serverChannel
    }

    deinit {
        serverChannel.close(promise: nil)
    }

    /// Starts a proxy to `127.0.0.1:upstreamPort`.
    ///
    /// The listening socket has a small receive buffer (64 KiB), so a stalled request body blocks the client soon.
    public static func start(upstreamPort: Int, rules: [FaultRule] = []) async throws -> FaultProxy {
        let receiveBuffer: SocketOptionValue = 64 * 1024
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.socketOption(.so_rcvbuf), value: receiveBuffer)
            .childChannelOption(ChannelOptions.socketOption(.so_rcvbuf), value: receiveBuffer)
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: false)
        let listener = try await bootstrap.bind(host: "127.0.0.1", port: 0) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                    wrappingChannelSynchronously: channel)
            }
        }
        guard let port = listener.channel.localAddress?.port else {
            throw TestSupportError("FaultProxy: the listening socket has no port")
        }
        let proxy = FaultProxy(port: port, upstreamPort: upstreamPort, serverChannel: listener.channel)
        proxy.setRules(rules)
        let task = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await proxy.serve(connection) }
                        }
                    }
                } catch {
                    // The listener was closed (shutdown) or failed: stop accepting.
                }
                group.cancelAll()
            }
        }
        proxy.acceptTask.withLock { $0 = task }
        return proxy
    }

    /// Replaces the rules (and restarts their occurrence counts); `[]` forwards everything untouched.
    public func setRules(_ rules: [FaultRule]) {
        state.withLock { state in
            state.rules = rules
            state.counts = Array(repeating: 0, count: rules.count)
        }
    }

    /// Every request received so far, in arrival order.
    public var requests: [ProxiedRequest] {
        state.withLock { $0.requests }
    }

    /// The requests a fault was applied to.
    public var faulted: [ProxiedRequest] {
        requests.filter { $0.fault != nil }
    }

    /// Stops listening, closes open connections (stalled ones too) and waits for the proxy's tasks to finish.
    public func shutdown() async {
        try? await serverChannel.close()
        let connections = state.withLock { Array($0.connections.values) }
        for connection in connections {
            try? await connection.close()
        }
        let task = acceptTask.withLock { $0 }
        task?.cancel()
        await task?.value
    }

    // MARK: - one client connection

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let channel = connection.channel
        let key = ObjectIdentifier(channel)
        state.withLock { $0.connections[key] = channel }
        defer { _ = state.withLock { $0.connections.removeValue(forKey: key) } }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                while let part = try await iterator.next() {
                    guard case .head(let head) = part else { continue }
                    let (index, fault) = begin(head)
                    switch fault {
                    case .resetRequest(let limit):
                        _ = try await readBody(&iterator, upTo: limit)
                        try await reset(channel)
                    case .stallRequestBody(let limit):
                        _ = try await readBody(&iterator, upTo: limit)
                        try await stall()
                    default:
                        let body = try await readBody(&iterator, upTo: nil)
                        let keepGoing = try await answer(
                            head, body: body, fault: fault, channel: channel, outbound: outbound)
                        finish(index)
                        if !keepGoing || !head.isKeepAlive { return }
                    }
                }
            }
        } catch {
            // The client went away, or the connection was reset or closed on purpose.
        }
    }

    /// Records the request and picks its fault.
    private func begin(_ head: HTTPRequestHead) -> (index: Int, fault: ProxyFault?) {
        state.withLock { state in
            var fault: ProxyFault?
            for (number, rule) in state.rules.enumerated()
            where rule.matches(method: head.method.rawValue, uri: head.uri) {
                state.counts[number] += 1
                if fault == nil, rule.occurrences?.contains(state.counts[number]) ?? true {
                    fault = rule.fault
                }
            }
            state.requests.append(
                ProxiedRequest(method: head.method.rawValue, uri: head.uri, fault: fault, received: .now))
            return (state.requests.count - 1, fault)
        }
    }

    private func finish(_ index: Int) {
        state.withLock { $0.requests[index].answered = .now }
    }

    /// Reads body parts until `.end` (or until `limit` bytes arrived, then stops reading).
    private func readBody(
        _ iterator: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator, upTo limit: Int?
    ) async throws -> ByteBuffer {
        var body = ByteBuffer()
        if let limit, limit <= 0 { return body }
        while let part = try await iterator.next() {
            switch part {
            case .head:
                throw TestSupportError("FaultProxy: a request head inside a body")
            case .body(var chunk):
                body.writeBuffer(&chunk)
                if let limit, body.readableBytes >= limit { return body }
            case .end:
                return body
            }
        }
        throw TestSupportError("FaultProxy: the connection ended inside a request")
    }

    /// Answers one complete request per `fault`; false when the connection must not be used again.
    private func answer(
        _ head: HTTPRequestHead, body: ByteBuffer, fault: ProxyFault?, channel: any Channel,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        switch fault {
        case .status(let code, let retryAfter):
            let errorCode = code == 429 ? "TOOMANYREQUESTS" : "UNAVAILABLE"
            let json = #"{"errors":[{"code":"\#(errorCode)","message":"injected by FaultProxy"}]}"#
            var headers: HTTPHeaders = ["Content-Type": "application/json"]
            if let retryAfter { headers.add(name: "Retry-After", value: retryAfter.headerValue) }
            try await write(
                HTTPResponseHead(version: head.version, status: .init(statusCode: code), headers: headers),
                body: ByteBuffer(string: json), for: head, to: outbound)
            return true
        case .stallResponse:
            try await stall()
            return false
        default:
            break
        }
        let (responseHead, responseBody) = try await forward(head, body: body)
        switch fault {
        case .dropResponse:
            try? await channel.close()
            return false
        case .corruptBody:
            var corrupted = responseBody
            if corrupted.readableBytes > 0 {
                let offset = corrupted.readerIndex + corrupted.readableBytes / 2
                let byte = corrupted.getInteger(at: offset, as: UInt8.self) ?? 0
                corrupted.setInteger(byte ^ 0xFF, at: offset)
            }
            try await write(responseHead, body: corrupted, for: head, to: outbound)
            return true
        case .resetResponse(let limit), .stallResponseBody(let limit):
            try await outbound.write(.head(responseHead))
            var prefix = responseBody
            if let slice = prefix.readSlice(length: min(limit, prefix.readableBytes)), slice.readableBytes > 0 {
                try await outbound.write(.body(.byteBuffer(slice)))
            }
            if case .resetResponse = fault {
                try await reset(channel)
            }
            try await stall()
            return false
        default:
            try await write(responseHead, body: responseBody, for: head, to: outbound)
            return true
        }
    }

    /// Sends `head` and `body` to the registry on a new connection and returns its whole answer.
    private func forward(_ head: HTTPRequestHead, body: ByteBuffer) async throws -> (HTTPResponseHead, ByteBuffer) {
        let upstream = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: upstreamPort) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await upstream.executeThenClose { inbound, outbound in
            var requestHead = head
            requestHead.headers.replaceOrAdd(name: "Connection", value: "close")
            try await outbound.write(.head(requestHead))
            if body.readableBytes > 0 {
                try await outbound.write(.body(.byteBuffer(body)))
            }
            try await outbound.write(.end(nil))
            var responseHead: HTTPResponseHead?
            var responseBody = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let received):
                    // 1xx (100 Continue) is not the answer.
                    if received.status.code >= 200 { responseHead = received }
                case .body(var chunk):
                    responseBody.writeBuffer(&chunk)
                case .end:
                    if let responseHead { return (responseHead, responseBody) }
                }
            }
            throw TestSupportError("FaultProxy: the registry closed the connection without an answer")
        }
    }

    /// Writes a whole response (its `Content-Length` set to `body`, except for HEAD).
    private func write(
        _ responseHead: HTTPResponseHead, body: ByteBuffer, for request: HTTPRequestHead,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var head = responseHead
        head.version = request.version
        head.headers.remove(name: "Connection")
        if request.method != .HEAD {
            head.headers.remove(name: "Transfer-Encoding")
            head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        }
        if !request.isKeepAlive { head.headers.add(name: "Connection", value: "close") }
        try await outbound.write(.head(head))
        if request.method != .HEAD && body.readableBytes > 0 {
            try await outbound.write(.body(.byteBuffer(body)))
        }
        try await outbound.write(.end(nil))
    }

    /// Waits until the proxy shuts down (or the task is cancelled), reading and answering nothing.
    private func stall() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .milliseconds(200))
            if !serverChannel.isActive { break }
        }
        throw CancellationError()
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
