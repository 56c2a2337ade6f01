/// What the webhook listener hands a complete, admitted request to: the door that verifies, parses and acts.
///
/// By the time `handle` runs, the listener has already routed `POST /hooks/{source}` to a configured source,
/// capped the body, resolved the client address, and passed the pre-authentication limiter and the
/// verification-failure throttle. The handler verifies the signature first; when it fails, it answers with
/// `verificationFailed` set so the listener counts it against the client.
public protocol WebhookRequestHandler: Sendable {
    /// Answers one request. Never throws: every failure is a response.
    func handle(_ request: WebhookHTTPRequest) async -> WebhookHTTPResponse
    /// Whether `/hooks/{name}` is served now: `nil` leaves it to the source names the listener was built with.
    /// A handler whose sources change on reload answers for itself.
    func servesSource(_ name: String) -> Bool?
}

extension WebhookRequestHandler {
    /// No opinion: the listener's own source names decide.
    public func servesSource(_ name: String) -> Bool? { nil }
}
