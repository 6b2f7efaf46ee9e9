import Foundation
import Lines
import NIOCore
import NIOHTTP1

/// `POST /predict`, `POST /feedback`, `GET /health`, `GET /metrics`, `POST /admin/reload`, and with
/// `--dashboard` the page and its API (`GET /`, `/api/stats`, `/api/explain`). Bodies are capped; classification
/// runs on the worker pool like the line protocol, rendering on the worker, writing on the event loop. A
/// client that shuts its write side after a request still gets the response, then the connection closes.
final class HTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    static let maxBodyBytes = 1 << 20
    static let maxNamesPerRequest = 10_000
    /// Each endpoint's one method (the `Allow` of a 405).
    private static let endpoints: [String: HTTPMethod] = ["/predict": .POST, "/feedback": .POST, "/health": .GET, "/metrics": .GET,
                                                          "/admin/reload": .POST]

    private let server: ServerCore
    private let requestTimer: RequestReadTimer
    /// False for a connection over `--max-connections`: its requests get 503.
    private let admitted: Bool
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    /// A request is being answered (maybe by a worker or the reload thread).
    private var answering = false
    /// The client shut its write side: the response being made is the last one.
    private var inputClosed = false
    private var lastResponse: EventLoopFuture<Void>?

    init(server: ServerCore, requestTimer: RequestReadTimer, admitted: Bool) {
        self.server = server
        self.requestTimer = requestTimer
        self.admitted = admitted
    }

    func channelActive(context: ChannelHandlerContext) {
        server.metrics.connections.increment()
        if !admitted { requestTimer.start(context.channel) }
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
            requestTimer.requestRead()
            guard let head else { return }
            self.head = nil
            answering = true
            route(context: context, head: head)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else { return context.fireUserInboundEventTriggered(event) }
        inputClosed = true
        guard !answering else { return }
        // A full close drops writes the socket has not taken yet.
        let channel = context.channel
        if let lastResponse { lastResponse.whenComplete { _ in channel.close(promise: nil) } } else { channel.close(promise: nil) }
    }

    private func route(context: ChannelHandlerContext, head: HTTPRequestHead) {
        guard admitted else { return respond(context, .serviceUnavailable, error: "too many connections", keepAlive: false) }
        let keepAlive = head.isKeepAlive
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        if let dashboard = server.dashboard, head.method == .GET,
           let page = dashboard.respond(path: path, query: head.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? "",
                                        core: server) {
            let status = HTTPResponseStatus(statusCode: page.status)
            return respond(context, status, body: page.body, contentType: page.contentType, keepAlive: keepAlive)
        }
        guard let method = Self.endpoints[path], path != "/admin/reload" || server.admin != nil else {
            return respond(context, .notFound, error: "no such endpoint: \(path)", keepAlive: keepAlive)
        }
        guard head.method == method else {
            return respond(context, .methodNotAllowed, error: "method \(head.method) not allowed on \(path)",
                           headers: [("Allow", method.rawValue)], keepAlive: keepAlive)
        }
        switch path {
        case "/predict":
            if bodyTooLarge { return respond(context, .payloadTooLarge, error: "body over \(Self.maxBodyBytes) bytes", keepAlive: false) }
            predict(context: context, keepAlive: keepAlive)
        case "/feedback":
            if bodyTooLarge { return respond(context, .payloadTooLarge, error: "body over \(Self.maxBodyBytes) bytes", keepAlive: false) }
            feedback(context: context, keepAlive: keepAlive)
        case "/health":
            respond(context, .ok, json: server.healthJSON(), keepAlive: keepAlive)
        case "/metrics":
            respond(context, .ok, body: server.metrics.render(redis: server.redisHealth),
                    contentType: "text/plain; version=0.0.4", keepAlive: keepAlive)
        default:
            reload(context: context, head: head, keepAlive: keepAlive)
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
        server.outbox(for: eventLoop).send(ClassifyJob(lines: LineBatch(request.domains), eventLoop: eventLoop,
                                                       client: context.channel.remoteAddress?.ipAddress) { job, answers, serving in
            let json = PredictResponse.render(job, answers, serving: serving, batch: request.batch)
            return { self.respond(bound.value, .ok, json: json, keepAlive: keepAlive) }
        })
    }

    /// Scored on a worker, where the name is answered (and routed) as a `/predict` would answer it.
    private func feedback(context: ChannelHandlerContext, keepAlive: Bool) {
        let request: FeedbackRequest
        switch FeedbackRequest.parse(body) {
        case let .success(r): request = r
        case let .failure(problem):
            server.metrics.errors.increment()
            return respond(context, .badRequest, error: problem.message, keepAlive: keepAlive)
        }
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: eventLoop)
        let metrics = server.metrics
        let job = ClassifyJob(lines: LineBatch([request.domain]), eventLoop: eventLoop,
                              client: request.client ?? context.channel.remoteAddress?.ipAddress, isTraffic: false) { job, answers, serving in
            let result = request.score(answers, line: job.answers.lowerBound, serving: serving)
            return {
                switch result {
                case let .success(scored):
                    metrics.feedback(correct: scored.correct)
                    self.respond(bound.value, .ok, json: scored.json, keepAlive: keepAlive)
                case let .failure(problem):
                    self.respond(bound.value, .badRequest, error: problem.message, keepAlive: keepAlive)
                }
            }
        }
        server.outbox(for: eventLoop).send(job)
    }

    /// Off the event loop: a reload reads and hashes every model file.
    private func reload(context: ChannelHandlerContext, head: HTTPRequestHead, keepAlive: Bool) {
        switch server.admin?.check(head) ?? .unauthorized {
        case .allowed: break
        case .unauthorized:
            return respond(context, .unauthorized, error: "a bearer token is required (Authorization: Bearer <token>)",
                           headers: [("WWW-Authenticate", "Bearer")], keepAlive: keepAlive)
        case .notJSON:
            return respond(context, .unsupportedMediaType, error: "Content-Type must be application/json", keepAlive: keepAlive)
        case .tooSoon:
            return respond(context, .tooManyRequests, error: "one reload per second at most", headers: [("Retry-After", "1")], keepAlive: keepAlive)
        }
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: eventLoop)
        DispatchQueue.global().async {
            let result = self.server.reload()
            eventLoop.execute {
                let context = bound.value
                switch result {
                case let .success(serving):
                    self.respond(context, .ok, json: "{\"reloaded\":true,\(PredictResponse.versionsJSON(serving))}", keepAlive: keepAlive)
                case let .failure(error):
                    let old = self.server.config.modelPaths.count > 1 ? "every old model" : "the old model"
                    self.respond(context, .unprocessableEntity, error: "reload failed, still serving \(old): \(error)", keepAlive: keepAlive)
                }
            }
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, error: String,
                         headers: [(String, String)] = [], keepAlive: Bool) {
        respond(context, status, json: "{\"error\":\(JSONText.string(error))}", headers: headers, keepAlive: keepAlive)
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, json: String,
                         headers: [(String, String)] = [], keepAlive: Bool) {
        respond(context, status, body: Array((json + "\n").utf8), contentType: "application/json", headers: headers, keepAlive: keepAlive)
    }

    private func respond(_ context: ChannelHandlerContext, _ status: HTTPResponseStatus, body: [UInt8], contentType: String,
                         headers extra: [(String, String)] = [], keepAlive: Bool) {
        answering = false
        guard context.channel.isActive else { return }
        let keepAlive = keepAlive && !inputClosed
        var headers = HTTPHeaders(extra)
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        lastResponse = done
        if !keepAlive { done.whenComplete { _ in context.close(promise: nil) } }
    }
}
