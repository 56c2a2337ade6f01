import Logging
import NIOCore
import NIOHTTP1

extension HTTPServer {
    /// Serves one connection: identifies the peer, then reads, checks and answers its requests in order until it
    /// closes, a request asks to close, or shutdown begins.
    func serveConnection(_ connection: HTTPServerConnection) async {
        let channel = connection.channel
        let peer: HTTPPeer<Door.Peer>
        do {
            peer = try await door.identify(channel)
        } catch {
            logger.notice("cannot identify the peer; closing", metadata: ["error": "\(error)"])
            try? await channel.close()
            return
        }
        let admission = registry.open(channel, clientKey: peer.clientKey)
        defer { registry.close(channel) }
        var connectionLogger = logger
        if let key = peer.clientKey { connectionLogger[metadataKey: "client"] = "\(key)" }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var exchange = HTTPExchange(
                    server: self,
                    channel: channel,
                    peer: peer.identity,
                    admission: admission,
                    outbound: outbound,
                    logger: connectionLogger
                )
                var parts = inbound.makeAsyncIterator()
                while try await exchange.serveNext(&parts) {}
            }
        } catch {
            connectionLogger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}
