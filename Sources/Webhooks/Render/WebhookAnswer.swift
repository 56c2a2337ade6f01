/// The JSON body replayd answers GitHub, Standard Webhooks and Strait deliveries with. These senders show or
/// log the body, so it says what happened in a form both people and scripts can read:
///
/// ```json
/// {"status":"accepted","delivery":"12345:7f6c…","message":"1 replay accepted",
///  "replays":[{"run_id":"r1","key":"github:12345:7f6c…:1","state":"pending"}]}
/// {"status":"ignored","delivery":"…","reason":{"code":"status_not_eligible","message":"…"},"replays":[]}
/// ```
///
/// `replays` is always present (empty when nothing was replayed); `delivery`, `message` and `reason` only when
/// known. Keys are sorted, so the bytes are stable.
public struct WebhookAnswer: Sendable, Hashable {
    /// What replayd did with the delivery.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// At least one replay was accepted (or a handshake such as GitHub's `ping` succeeded).
        case accepted
        /// Nothing to do: an event replayd does not act on, a comment without commands, a policy skip.
        case ignored
        /// The sender or principal may not replay, or a limit refused it.
        case denied
        /// The delivery was verified but its payload cannot be read.
        case invalid
    }

    /// What replayd did.
    public var status: Status
    /// The delivery's dedup identity, when known.
    public var delivery: String?
    /// Plain words for people.
    public var message: String?
    /// The reason code and words, for `ignored`, `denied` and `invalid`.
    public var reason: (code: String, message: String)?
    /// The replays this delivery asked for.
    public var replays: [ReplayOutcomeSummary]

    /// Creates an answer.
    public init(
        status: Status,
        delivery: String?,
        message: String? = nil,
        reason: (code: String, message: String)? = nil,
        replays: [ReplayOutcomeSummary] = []
    ) {
        self.status = status
        self.delivery = delivery
        self.message = message
        self.reason = reason
        self.replays = replays
    }

    /// Replays accepted (their summaries say whether Strait already answered).
    public static func accepted(delivery: String, replays: [ReplayOutcomeSummary]) -> WebhookAnswer {
        let count = replays.count
        return WebhookAnswer(
            status: .accepted,
            delivery: delivery,
            message: "\(count) replay\(count == 1 ? "" : "s") accepted",
            replays: replays
        )
    }

    /// The answer to GitHub's `ping`: accepted, message `pong`.
    public static func pong(delivery: String) -> WebhookAnswer {
        WebhookAnswer(status: .accepted, delivery: delivery, message: "pong")
    }

    /// Nothing to do, and why.
    public static func ignored(delivery: String?, code: String, message: String) -> WebhookAnswer {
        WebhookAnswer(status: .ignored, delivery: delivery, reason: (code, message))
    }

    /// Refused, and why (no secrets in `message`).
    public static func denied(delivery: String?, code: String, message: String) -> WebhookAnswer {
        WebhookAnswer(status: .denied, delivery: delivery, reason: (code, message))
    }

    /// The payload could not be read.
    public static func invalid(delivery: String?, error: WebhookPayloadError) -> WebhookAnswer {
        WebhookAnswer(status: .invalid, delivery: delivery, reason: (error.code.rawValue, error.message))
    }

    /// The answer as a JSON value.
    public var json: WebhookJSONValue {
        var object: [String: WebhookJSONValue] = [
            "status": .string(status.rawValue),
            "replays": .array(replays.map(\.json)),
        ]
        if let delivery { object["delivery"] = .string(delivery) }
        if let message { object["message"] = .string(message) }
        if let reason {
            object["reason"] = .object([
                "code": .string(reason.code),
                "message": .string(ChatText.clipped(reason.message)),
            ])
        }
        return .object(object)
    }

    /// The answer as compact JSON bytes.
    public func rendered() -> [UInt8] {
        json.serialized()
    }

    /// Equal when every field is equal.
    public static func == (lhs: WebhookAnswer, rhs: WebhookAnswer) -> Bool {
        lhs.status == rhs.status && lhs.delivery == rhs.delivery && lhs.message == rhs.message
            && lhs.reason?.code == rhs.reason?.code && lhs.reason?.message == rhs.reason?.message
            && lhs.replays == rhs.replays
    }

    /// Hashes every field.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(status)
        hasher.combine(delivery)
        hasher.combine(message)
        hasher.combine(reason?.code)
        hasher.combine(reason?.message)
        hasher.combine(replays)
    }
}
