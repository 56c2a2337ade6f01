import HTTPServer
import Logging
import NIOCore
import NIOHTTP1
import ReplayCore

/// The socket door on the HTTP core: identifies each connection by `SO_PEERCRED`, refuses at the head an
/// unmapped uid (403, audited) and an unknown route (404, or 405 with `Allow`) before the body is read, and hands
/// complete requests to the ``SocketRouter``.
struct SocketDoor: HTTPDoor {
    let router: SocketRouter

    func identify(_ channel: any Channel) async throws -> HTTPPeer<SocketPeer> {
        let credentials = try await PeerCredentialReader.read(from: channel).get()
        return HTTPPeer(
            identity: SocketPeer(credentials: credentials, authentication: router.authenticate(credentials)),
            clientKey: "uid:\(credentials.uid)"
        )
    }

    func checkHead(
        _ head: HTTPRequestHead,
        from peer: SocketPeer,
        context: HTTPRequestContext
    ) async
        -> HTTPHeadDecision<Void>
    {
        let (path, _) = Self.splitURI(head.uri)
        if !router.isPublic(method: head.method.rawValue, path: path), case .failure(let error) = peer.authentication {
            context.logger.notice(
                "refused unmapped peer",
                metadata: ["uid": "\(peer.credentials.uid)", "pid": "\(peer.credentials.pid)"]
            )
            await router.auditUnknownPeer(peer.credentials, requestID: context.requestID, reason: error)
            return .answer(.error(error, requestID: context.requestID, close: true))
        }
        if let miss = router.routeMiss(method: head.method.rawValue, path: path, requestID: context.requestID) {
            return .answer(miss)
        }
        return .admit(())
    }

    func respond(
        to request: HTTPServerRequest,
        admission: Void,
        from peer: SocketPeer,
        context: HTTPRequestContext
    ) async -> HTTPServerResponse {
        let (path, query) = Self.splitURI(request.head.uri)
        let principal = try? peer.authentication.get()
        var logger = context.logger
        logger[metadataKey: "peer_uid"] = "\(peer.credentials.uid)"
        logger[metadataKey: "principal"] = "\(principal?.name ?? "-")"
        let gatewayRequest = GatewayRequest(
            method: request.head.method.rawValue,
            path: path,
            query: query,
            headers: request.head.headers,
            body: request.body,
            peer: peer.credentials,
            principal: principal,
            requestID: context.requestID
        )
        return await router.handle(gatewayRequest, logger: logger)
    }

    func render(_ refusal: HTTPRefusal, context: HTTPRequestContext) -> HTTPServerResponse {
        ErrorEnvelope.response(refusal, requestID: context.requestID)
    }

    /// An answer that passed no limit (an early refusal, an unauthenticated route) gets the replay limits of the
    /// peer as they stand: its principal's when the uid is mapped, its uid's `source`, and `global`.
    func decorate(
        _ response: inout HTTPServerResponse,
        head: HTTPRequestHead?,
        from peer: SocketPeer,
        context: HTTPRequestContext
    ) {
        guard !response.headers.contains(name: "RateLimit") else { return }
        let principal = try? peer.authentication.get()
        RateLimitFields.apply(router.rateLimitStatus(peer.credentials, principal: principal), to: &response.headers)
    }

    /// Splits `/path?a=b` into the path and the percent-decoded query items.
    static func splitURI(_ uri: String) -> (path: String, query: [(name: String, value: String)]) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, []) }
        let path = String(uri[..<mark])
        let items = uri[uri.index(after: mark)...].split(separator: "&").map { item -> (String, String) in
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentEncodingShim.decode(pair[0])
            let value = pair.count > 1 ? PercentEncodingShim.decode(pair[1]) : ""
            return (name, value)
        }
        return (path, items.map { (name: $0.0, value: $0.1) })
    }
}
