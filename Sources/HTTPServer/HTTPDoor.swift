import Logging
import NIOCore
import NIOHTTP1

/// What a listener serves: the wire format of one door on top of the HTTP core.
///
/// A door is two small pieces. The **head check** sees a request's head before a byte of its body is read and
/// either admits it or answers at once (403 for an unmapped peer, 404/405 for an unknown route, the pre-auth
/// 429); an early answer closes the connection, since the body was not read. The **responder** turns a complete
/// request into a response. Limits, keep-alive, pipelining, connection caps, deadlines and drain live in
/// ``HTTPServer``, never here.
public protocol HTTPDoor: Sendable {
    /// Who is on the other end of one connection, worked out once when it is accepted (the peer's credentials,
    /// its address).
    associatedtype Peer: Sendable
    /// What the head check hands the responder about an admitted request.
    associatedtype Admission: Sendable

    /// Identifies the peer of a newly accepted connection, and the key its connections are counted under for
    /// the per-client cap (`uid:1000`, `203.0.113.9`).
    func identify(_ channel: any Channel) async throws -> HTTPPeer<Peer>

    /// Admits a request from its head alone, or answers it at once.
    func checkHead(
        _ head: HTTPRequestHead,
        from peer: Peer,
        context: HTTPRequestContext
    ) async -> HTTPHeadDecision<
        Admission
    >

    /// Answers a complete, admitted request.
    func respond(
        to request: HTTPServerRequest,
        admission: Admission,
        from peer: Peer,
        context: HTTPRequestContext
    ) async -> HTTPServerResponse

    /// Renders a refusal the core makes on its own (431, 413, 408, 400, 503) in the door's error shape.
    func render(_ refusal: HTTPRefusal, context: HTTPRequestContext) -> HTTPServerResponse

    /// Adds what the door puts on every response, just before the core writes it: the responder's answers, the
    /// head check's, and the core's own refusals alike (for replayd: the rate-limit fields, from a peek of the
    /// limiter for what is known of the caller). `head` is `nil` for a request that could not be read (400, 408,
    /// 431). It runs on the connection's task for each response, so it must be cheap and must not block.
    func decorate(
        _ response: inout HTTPServerResponse,
        head: HTTPRequestHead?,
        from peer: Peer,
        context: HTTPRequestContext
    )
}

extension HTTPDoor {
    /// Adds nothing.
    public func decorate(
        _ response: inout HTTPServerResponse,
        head: HTTPRequestHead?,
        from peer: Peer,
        context: HTTPRequestContext
    ) {}
}
