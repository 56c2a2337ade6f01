import NIOCore

/// Sits in front of the HTTP decoder and reports that request bytes arrived, so the connection handler can
/// start the read timeout at the first byte of a request rather than when its head is complete (slowloris).
final class ByteActivityHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let onBytes: () -> Void

    init(onBytes: @escaping () -> Void) {
        self.onBytes = onBytes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onBytes()
        context.fireChannelRead(data)
    }
}
