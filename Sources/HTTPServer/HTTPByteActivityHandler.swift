import NIOCore

/// Sits in front of the HTTP decoder and tells the ``HTTPDeadlineHandler`` that request bytes arrived, so a
/// request's deadlines start at its first byte rather than when its head is complete (slowloris).
final class HTTPByteActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadlines: HTTPDeadlineHandler

    init(deadlines: HTTPDeadlineHandler) {
        self.deadlines = deadlines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesArrived()
        context.fireChannelRead(data)
    }
}
