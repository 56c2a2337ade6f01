/// A verified GitHub webhook delivery: `ping` (sent when the hook is created), `issue_comment`, or anything else
/// (ignored without reading the body).
///
/// JSON bodies and `application/x-www-form-urlencoded` bodies (`payload=<json>`, the other content type GitHub
/// offers) are both understood. The dedup identity is ``deliveryID``: `"<X-GitHub-Hook-ID>:<X-GitHub-Delivery>"`.
/// The delivery GUID stays the same when someone redelivers the event by hand, so a redelivery is a duplicate.
public struct GitHubEvent: Sendable, Hashable {
    /// What the delivery is.
    public enum Kind: Sendable, Hashable {
        /// `ping`: the hook works. `zen` is GitHub's random aphorism.
        case ping(zen: String?)
        /// An `issue_comment` with action `created` (comments on issues and pull requests).
        case issueComment(GitHubIssueComment)
        /// Any other event, or an `issue_comment` that was edited or deleted; `reason` says which, in plain words.
        case ignored(reason: String)
    }

    /// `X-GitHub-Event`, such as `issue_comment`.
    public var event: String
    /// `X-GitHub-Delivery`, a GUID.
    public var delivery: String
    /// `X-GitHub-Hook-ID`, the hook's numeric id.
    public var hookID: String
    /// What the delivery is.
    public var kind: Kind

    /// Creates an event.
    public init(event: String, delivery: String, hookID: String, kind: Kind) {
        self.event = event
        self.delivery = delivery
        self.hookID = hookID
        self.kind = kind
    }

    /// The dedup identity: `"<hook id>:<delivery>"`.
    public var deliveryID: String { "\(hookID):\(delivery)" }

    /// Parses a verified delivery.
    ///
    /// - Parameter headers: the request headers (names are matched case-insensitively).
    /// - Throws: `missing_field` / `invalid_field` for the three `X-GitHub-*` headers; for `ping` and
    ///   `issue_comment`, `malformed_body` and the field errors of the body.
    public static func parse(
        headers: [(name: String, value: String)],
        body: [UInt8]
    ) throws(WebhookPayloadError) -> GitHubEvent {
        guard let event = try WebhookHeaders.token("X-GitHub-Event", in: headers, maxBytes: 64) else {
            throw .missing("X-GitHub-Event")
        }
        guard let delivery = try WebhookHeaders.token("X-GitHub-Delivery", in: headers, maxBytes: 128) else {
            throw .missing("X-GitHub-Delivery")
        }
        guard let hookID = try WebhookHeaders.token("X-GitHub-Hook-ID", in: headers, maxBytes: 32) else {
            throw .missing("X-GitHub-Hook-ID")
        }
        guard hookID.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalid("X-GitHub-Hook-ID", "must be a decimal number")
        }
        let kind: Kind
        switch event {
        case "ping":
            let json = try jsonBody(body)
            kind = .ping(zen: json["zen"]?.stringValue)
        case "issue_comment":
            let json = try jsonBody(body)
            guard let actionValue = json["action"] else { throw .missing("action") }
            guard let action = actionValue.stringValue else {
                throw .wrongType("action", expected: "a string", got: actionValue)
            }
            if action == "created" {
                kind = .issueComment(try GitHubIssueComment(json: json))
            } else {
                kind = .ignored(reason: "issue_comment action \(WebhookPayloadError.quoted(action)) is not acted on")
            }
        default:
            kind = .ignored(reason: "event \(WebhookPayloadError.quoted(event)) is not acted on")
        }
        return GitHubEvent(event: event, delivery: delivery, hookID: hookID, kind: kind)
    }

    /// The JSON object of a JSON body, or of the `payload` field of a form body.
    private static func jsonBody(_ body: [UInt8]) throws(WebhookPayloadError) -> WebhookJSONValue {
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        let json: WebhookJSONValue
        if let first = body.first(where: { !isBlank($0) }), first == UInt8(ascii: "{") {
            json = try WebhookJSONValue(parsing: body)
        } else {
            let form = try FormURLEncoded.decode(body)
            guard let payload = FormURLEncoded.first("payload", in: form) else { throw .missing("payload") }
            json = try WebhookJSONValue(parsing: Array(payload.utf8))
        }
        guard json.objectValue != nil else { throw .malformed("body is not a JSON object") }
        return json
    }
}
