import Foundation
import Lines
import NIOCore
import NIOHTTP1

/// `POST /predict`, `GET /health`, `GET /metrics`, `POST /admin/reload`. Bodies are capped; classification
/// runs on the worker pool like the line protocol, rendering on the worker, writing on the event loop.
final class HTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBodyBytes = 1 << 20
    static let maxNamesPerRequest = 10_000

    private let server: ServerCore
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false

    init(server: ServerCore) { self.server = server }

    func channelActive(context: ChannelHandlerContext) {
        server.metrics.connections.increment()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.metrics.connections.decrement()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(h):
            head = h
            body.removeAll(keepingCapacity: true)
            bodyTooLarge = false
        case var .body(chunk):
            if body.count + chunk.readableBytes > Self.maxBodyBytes { bodyTooLarge = true; return }
            if let bytes = chunk.readBytes(length: chunk.readableBytes) { body.append(contentsOf: bytes) }
        case .end:
            guard let head else { return }
            self.head = nil
            route(context: context, head: head)
        }
    }

    private func route(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let keepAlive = head.isKeepAlive
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        switch (head.method, path) {
        case (.POST, "/predict"):
            if bodyTooLarge { return respond(context, .payloadTooLarge, error: "body over \(Self.maxBodyBytes) bytes", keepAlive: false) }
            predict(context: context, keepAlive: keepAlive)
        case (.GET, "/health"):
            respond(context, .ok, json: server.healthJSON(), keepAlive: keepAlive)
        case (.GET, "/metrics"):
            respond(context, .ok, body: server.metrics.render(redis: server.redisHealth),
                    contentType: "text/plain; version=0.0.4", keepAlive: keepAlive)
        case (.POST, "/admin/reload"):
            let eventLoop = context.eventLoop
            let bound = NIOLoopBound(context, eventLoop: eventLoop)
            DispatchQueue.global().async {
                let result = self.server.reload()
                eventLoop.execute {
                    let context = bound.value
                    switch result {
                    case let .success(version):
                        self.respond(context, .ok, json: "{\"reloaded\":true,\"model\":\(JSONText.string(version))}", keepAlive: keepAlive)
                    case let .failure(error):
                        self.respond(context, .unprocessableEntity, error: "reload failed, still serving the old model: \(error)", keepAlive: keepAlive)
                    }
                }
            }
        case (_, "/predict"), (_, "/health"), (_, "/metrics"), (_, "/admin/reload"):
            respond(context, .methodNotAllowed, error: "method \(head.method) not allowed on \(path)", keepAlive: keepAlive)
        default:
            respond(context, .notFound, error: "no such endpoint: \(path)", keepAlive: keepAlive)
        }
    }

    private func predict(context: ChannelHandlerContext, keepAlive: Bool) {
        let request: PredictRequest
        switch PredictRequest.parse(body) {
        case let .success(r): request = r
        case let .failure(problem):
            server.metrics.errors.increment()
            return respond(context, .badRequest, error: problem.message, keepAlive: keepAlive)
        }
        guard request.domains.count <= Self.maxNamesPerRequest else {
            server.metrics.errors.increment()
            return respond(context, .payloadTooLarge, error: "more than \(Self.maxNamesPerRequest) domains", keepAlive: keepAlive)
        }
        server.metrics.httpRequests.increment(by: Int64(request.domains.count))
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: eventLoop)
        server.outbox(for: eventLoop).send(ClassifyJob(lines: LineBatch(request.domains), eventLoop: eventLoop) { job, answers, serving in
            let json = PredictResponse.render(job, answers, serving: serving, batch: request.batch)
            return { self.respond(bound.value, .ok, json: json, keepAlive: keepAlive) }
        })
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, error: String, keepAlive: Bool) {
        respond(context, status, json: "{\"error\":\(JSONText.string(error))}", keepAlive: keepAlive)
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, json: String, keepAlive: Bool) {
        respond(context, status, body: Array((json + "\n").utf8), contentType: "application/json", keepAlive: keepAlive)
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, body: [UInt8], contentType: String, keepAlive: Bool) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.whenComplete { _ in context.close(promise: nil) } }
    }
}
