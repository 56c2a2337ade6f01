import NIOCore
import NIOHTTP1

/// Keeps a connection's deadlines on its event loop: the head deadline and the read deadline from the first
/// byte of a request, and the idle deadline between requests.
///
/// It sits between the HTTP codec and the connection's async channel, so it sees request parts as they are
/// decoded and response parts as they are written. A request's clock starts at its first byte (reported by the
/// ``HTTPByteActivityHandler`` in front of the decoder) or, when requests are pipelined, when the previous
/// answer was written: time spent waiting for replayd is never held against a client. When a head or read
/// deadline passes, the inbound stream ends with ``HTTPDeadlineExceeded`` and the core answers 408; when the idle
/// deadline passes, the connection is closed.
final class HTTPDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let headTimeout: TimeAmount
    private let readTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    /// Complete requests not yet answered.
    private var unanswered = 0
    /// When the request being received started, if one is.
    private var partialSince: NIODeadline?
    /// Whether that request's head is complete.
    private var partialHeadDone = false
    /// When the last answer was written (or the connection opened).
    private var lastAnswerAt = NIODeadline.uptimeNanoseconds(0)
    private var expired = false
    private let onRequestStarted: () -> Void

    init(
        headTimeout: Duration,
        readTimeout: Duration,
        idleTimeout: Duration,
        onRequestStarted: @escaping () -> Void = {}
    ) {
        self.onRequestStarted = onRequestStarted
        self.headTimeout = TimeAmount(headTimeout)
        self.readTimeout = TimeAmount(readTimeout)
        self.idleTimeout = TimeAmount(idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // A client connects to send a request: the head deadline applies from the start.
        let now = context.eventLoop.now
        lastAnswerAt = now
        partialSince = now
        rearm(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        self.context = nil
    }

    /// Called by ``HTTPByteActivityHandler`` when request bytes arrive.
    func bytesArrived() {
        guard partialSince == nil, let context else { return }
        partialSince = context.eventLoop.now
        partialHeadDone = false
        onRequestStarted()
        rearm(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            if partialSince == nil { partialSince = context.eventLoop.now }
            partialHeadDone = true
            rearm(context: context)
        case .body:
            break
        case .end:
            partialSince = nil
            partialHeadDone = false
            unanswered += 1
            rearm(context: context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            // An answer given before its request was complete (an early refusal) ends that request too.
            if unanswered > 0 { unanswered -= 1 } else { partialSince = nil }
            lastAnswerAt = context.eventLoop.now
            rearm(context: context)
        }
        context.write(data, promise: promise)
    }

    private func rearm(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        guard !expired, unanswered == 0 else { return }
        let deadline: NIODeadline
        let kind: HTTPDeadlineExceeded.Kind?
        if let since = partialSince {
            let start = max(since, lastAnswerAt)
            kind = partialHeadDone ? .read : .head
            deadline = start + (partialHeadDone ? readTimeout : min(headTimeout, readTimeout))
        } else {
            kind = nil
            deadline = lastAnswerAt + idleTimeout
        }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: deadline) {
            if let kind { handler.value.expire(kind) } else { handler.value.idleExpired() }
        }
    }

    private func expire(_ kind: HTTPDeadlineExceeded.Kind) {
        timer = nil
        guard let context, !expired else { return }
        expired = true
        context.fireErrorCaught(HTTPDeadlineExceeded(kind: kind))
    }

    private func idleExpired() {
        timer = nil
        context?.close(promise: nil)
    }
}

extension TimeAmount {
    /// `duration`, clamped to what `TimeAmount` holds.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds < Int64.max / 1_000_000_000 else {
            self = .nanoseconds(Int64.max)
            return
        }
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
