/// A verified Standard Webhooks message that asks for a replay: the run id and checkpoint are found in the JSON
/// body with two JSON pointers, because each sender shapes its payload its own way.
///
/// The dedup identity is ``deliveryID``, the `webhook-id` header, which stays the same on every retry of a message.
public struct StandardWebhookPayload: Sendable, Hashable {
    /// Where the run id and checkpoint are in the body.
    public struct Mapping: Sendable, Hashable {
        /// Where the run id is (a string). Default `/run_id`.
        public var runID: JSONPointer
        /// Where the checkpoint is (a positive integer, `null` or absent). Default `/from_checkpoint`.
        public var fromCheckpoint: JSONPointer

        /// Creates a mapping.
        public init(
            runID: JSONPointer = JSONPointer(tokens: ["run_id"]),
            fromCheckpoint: JSONPointer = JSONPointer(tokens: ["from_checkpoint"])
        ) {
            self.runID = runID
            self.fromCheckpoint = fromCheckpoint
        }
    }

    /// The `webhook-id` header.
    public var messageID: String
    /// The top-level `type` member, when it is a string (the Standard Webhooks payload convention).
    public var eventType: String?
    /// The run to replay.
    public var runID: String
    /// The checkpoint to replay from, if any.
    public var fromCheckpoint: Int?

    /// Creates a payload.
    public init(messageID: String, eventType: String? = nil, runID: String, fromCheckpoint: Int? = nil) {
        self.messageID = messageID
        self.eventType = eventType
        self.runID = runID
        self.fromCheckpoint = fromCheckpoint
    }

    /// The dedup identity: the `webhook-id` header.
    public var deliveryID: String { messageID }

    /// The replay this message asks for (never forced: `force` is for people, not machines).
    public var replayCommand: ReplayCommand { .replay(runID: runID, fromCheckpoint: fromCheckpoint, force: false) }

    /// Parses a verified message.
    ///
    /// - Throws: `missing_field` for `webhook-id` or the run id; `invalid_field` when the run id is not a string
    ///   or the checkpoint not an integer; `invalid_run_id`; `invalid_checkpoint` for an integer below 1;
    ///   `malformed_body`. Fields are named by their pointer (`/data/run_id`).
    public static func parse(
        headers: [(name: String, value: String)],
        body: [UInt8],
        mapping: Mapping = Mapping()
    ) throws(WebhookPayloadError) -> StandardWebhookPayload {
        guard let messageID = try WebhookHeaders.token("webhook-id", in: headers) else {
            throw .missing("webhook-id")
        }
        let json = try WebhookJSONValue(parsing: body)
        // The fields' names (their pointers, escaped) are spelled out only for an error.
        guard let runValue = mapping.runID.resolve(in: json), !runValue.isNull else {
            throw .missing(mapping.runID.description)
        }
        guard let run = runValue.stringValue else {
            throw .wrongType(mapping.runID.description, expected: "a string", got: runValue)
        }
        let runID = try ReplayCommandParser.validateRunID(run, field: mapping.runID.description)

        var checkpoint: Int?
        if let value = mapping.fromCheckpoint.resolve(in: json), !value.isNull {
            guard let number = value.integerValue else {
                throw .wrongType(mapping.fromCheckpoint.description, expected: "an integer", got: value)
            }
            checkpoint = try ReplayCommandParser.validateCheckpoint(number, field: mapping.fromCheckpoint.description)
        }
        return StandardWebhookPayload(
            messageID: messageID,
            eventType: json["type"]?.stringValue,
            runID: runID,
            fromCheckpoint: checkpoint
        )
    }
}
