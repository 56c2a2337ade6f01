import Crypto

/// One message replayd owes a chat platform after answering its request: the outcome of a replay, posted to a
/// Slack `response_url` or a Discord interaction follow-up URL once it is known.
///
/// The ``destination`` holds a bearer token (Slack's `response_url` path, Discord's interaction token): it is
/// stored, and sent, but never logged, never put in an error message and never shown by ``description``. Logs
/// carry the host and a keyed hash instead.
public struct FollowUp: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The caller's id, unique in the outbox; enqueueing an id twice stores it once. The door uses
    /// `<source>:<delivery id>:<n>`, so a duplicate delivery never posts twice.
    public var id: String
    /// Where it goes, which sets its lifetime and post budget.
    public var kind: FollowUpKind
    /// The absolute `https` URL to POST to. Secret: see the type's documentation.
    public var destination: String
    /// The JSON body, sent as is with `Content-Type: application/json`.
    public var body: [UInt8]
    /// Groups follow-ups that share a platform budget and are posted in enqueue order: a hash of the Slack
    /// `response_url`, or of the Discord interaction token. Treated as secret too (it is never logged).
    public var conversation: String
    /// When it was enqueued (Unix milliseconds).
    public var createdAt: Int64
    /// The last moment the platform accepts it (Unix milliseconds): Slack 30 minutes after the command, Discord
    /// 15 minutes after the interaction. Not attempted at or after this time.
    public var notAfter: Int64
    /// Where it is in its life.
    public var state: FollowUpState
    /// Attempts made so far.
    public var attempts: Int
    /// When the worker should next try it (Unix milliseconds); meaningful while `pending`.
    public var nextAttemptAt: Int64
    /// The HTTP status of the last attempt, when it got one.
    public var lastStatus: Int?
    /// Why the last attempt did not deliver it, in plain words (never the destination).
    public var lastError: String?
    /// Why it failed, once `failed`.
    public var failureCode: FollowUpFailure.Code?
    /// When it last changed (Unix milliseconds).
    public var updatedAt: Int64
    /// When it became `delivered` or `failed` (Unix milliseconds).
    public var finishedAt: Int64?

    /// Creates a pending follow-up, due at once.
    ///
    /// - Parameters:
    ///   - id: unique per message; see ``id``.
    ///   - kind: Slack `response_url` or Discord follow-up.
    ///   - destination: the `https` URL to POST to (secret).
    ///   - body: the JSON body.
    ///   - conversation: the budget and ordering group; see ``conversation``.
    ///   - createdAt: now, in Unix milliseconds.
    ///   - notAfter: the platform's deadline, in Unix milliseconds (``FollowUpKind/notAfter(receivedAt:)``).
    public init(
        id: String,
        kind: FollowUpKind,
        destination: String,
        body: [UInt8],
        conversation: String,
        createdAt: Int64,
        notAfter: Int64
    ) {
        self.id = id
        self.kind = kind
        self.destination = destination
        self.body = body
        self.conversation = conversation
        self.createdAt = createdAt
        self.notAfter = notAfter
        self.state = .pending
        self.attempts = 0
        self.nextAttemptAt = createdAt
        self.updatedAt = createdAt
    }

    /// A follow-up to a Slack slash command: posted to its `response_url` until 30 minutes after the command;
    /// the conversation is a hash of the URL (5 posts at most per URL).
    ///
    /// - Parameters:
    ///   - receivedAt: when the command arrived (Unix milliseconds); `createdAt` is `now`.
    public static func slackResponse(
        id: String,
        responseURL: String,
        body: [UInt8],
        receivedAt: Int64,
        now: Int64
    ) -> FollowUp {
        FollowUp(
            id: id,
            kind: .slackResponseURL,
            destination: responseURL,
            body: body,
            conversation: "slack:" + sha256Hex(responseURL),
            createdAt: now,
            notAfter: FollowUpKind.slackResponseURL.notAfter(receivedAt: receivedAt)
        )
    }

    /// A follow-up message to a Discord interaction: `POST {apiBaseURL}/webhooks/{applicationID}/{token}`
    /// until 15 minutes after the interaction; the conversation is a hash of the token.
    ///
    /// - Parameters:
    ///   - receivedAt: when the interaction arrived (Unix milliseconds); `createdAt` is `now`.
    ///   - apiBaseURL: Discord's API root, `https://discord.com/api/v10` unless a test says otherwise.
    public static func discordFollowUp(
        id: String,
        applicationID: String,
        interactionToken: String,
        body: [UInt8],
        receivedAt: Int64,
        now: Int64,
        apiBaseURL: String = "https://discord.com/api/v10"
    ) -> FollowUp {
        FollowUp(
            id: id,
            kind: .discordFollowUp,
            destination: "\(apiBaseURL)/webhooks/\(applicationID)/\(interactionToken)",
            body: body,
            conversation: "discord:" + sha256Hex(interactionToken),
            createdAt: now,
            notAfter: FollowUpKind.discordFollowUp.notAfter(receivedAt: receivedAt)
        )
    }

    /// The destination's host, safe to log.
    public var destinationHost: String {
        FollowUpRedaction.host(of: destination) ?? "-"
    }

    /// Names the follow-up without its destination, body or conversation.
    public var description: String {
        "FollowUp(id: \(id), kind: \(kind.rawValue), host: \(destinationHost), state: \(state.rawValue), "
            + "attempts: \(attempts))"
    }

    /// The same as ``description``: the destination never appears in a debug rendering either.
    public var debugDescription: String { description }

    private static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
