/// A verified Strait run notification: Strait `POST`s one to a job's `webhook_url` when a run reaches a terminal
/// state. An ``AutoReplayPolicy`` decides whether replayd replays the run.
///
/// The dedup identity is ``deliveryID``: the `X-Strait-Replay-Key` header (stable per delivery) when present,
/// else `X-Strait-Delivery-ID` (also the same on every retry). `X-Strait-Idempotency-Key` changes on every
/// attempt and is deliberately not used.
public struct StraitRunNotification: Sendable, Hashable {
    /// `run_id`: the run that finished.
    public var runID: String
    /// `job_id`.
    public var jobID: String
    /// `project_id`, when sent.
    public var projectID: String?
    /// `status`: the terminal status, such as `failed` or `timed_out`.
    public var status: String
    /// `attempt`: the run's attempt number, when sent.
    public var attempt: Int?
    /// `result`: the run's result as raw JSON (`nil` when absent or `null`).
    public var result: WebhookJSONValue?
    /// `error`: the run's error text, when there is one (a non-string error is kept as compact JSON).
    public var error: String?
    /// `timestamp`: when the run finished, RFC 3339 text as sent.
    public var timestamp: String?
    /// The dedup identity: replay key, else delivery id.
    public var deliveryID: String

    /// Creates a notification.
    public init(
        runID: String,
        jobID: String,
        projectID: String? = nil,
        status: String,
        attempt: Int? = nil,
        result: WebhookJSONValue? = nil,
        error: String? = nil,
        timestamp: String? = nil,
        deliveryID: String
    ) {
        self.runID = runID
        self.jobID = jobID
        self.projectID = projectID
        self.status = status
        self.attempt = attempt
        self.result = result
        self.error = error
        self.timestamp = timestamp
        self.deliveryID = deliveryID
    }

    /// Parses a verified notification.
    ///
    /// - Throws: `missing_field` when both `X-Strait-Replay-Key` and `X-Strait-Delivery-ID` are absent, or for
    ///   `run_id`, `job_id`, `status`; `invalid_field` for wrong types; `invalid_run_id`; `malformed_body`.
    public static func parse(
        headers: [(name: String, value: String)],
        body: [UInt8]
    ) throws(WebhookPayloadError) -> StraitRunNotification {
        let replayKey = try WebhookHeaders.token("X-Strait-Replay-Key", in: headers)
        let deliveryHeader = try WebhookHeaders.token("X-Strait-Delivery-ID", in: headers)
        guard let deliveryID = replayKey ?? deliveryHeader else {
            throw WebhookPayloadError(
                code: .missingField,
                field: "X-Strait-Replay-Key",
                message: "X-Strait-Replay-Key and X-Strait-Delivery-ID: both are missing; one is needed to dedup"
            )
        }
        let json = try WebhookJSONValue(parsing: body)
        guard json.objectValue != nil else { throw .malformed("body is not a JSON object") }

        func string(_ name: String, required: Bool) throws(WebhookPayloadError) -> String? {
            guard let value = json[name], !value.isNull else {
                if required { throw .missing(name) }
                return nil
            }
            guard let text = value.stringValue else { throw .wrongType(name, expected: "a string", got: value) }
            if required, text.isEmpty { throw .missing(name) }
            return text
        }

        let run = try string("run_id", required: true) ?? ""
        var attempt: Int?
        if let value = json["attempt"], !value.isNull {
            guard let number = value.integerValue.flatMap({ Int(exactly: $0) }) else {
                throw .wrongType("attempt", expected: "an integer", got: value)
            }
            attempt = number
        }
        var errorText: String?
        switch json["error"] {
        case .none, .null: errorText = nil
        case .string(let text): errorText = text.isEmpty ? nil : text
        case .some(let other): errorText = String(decoding: other.serialized(), as: UTF8.self)
        }
        let result = json["result"].flatMap { $0.isNull ? nil : $0 }
        return StraitRunNotification(
            runID: try ReplayCommandParser.validateRunID(run, field: "run_id"),
            jobID: try string("job_id", required: true) ?? "",
            projectID: try string("project_id", required: false),
            status: try string("status", required: true) ?? "",
            attempt: attempt,
            result: result,
            error: errorText,
            timestamp: try string("timestamp", required: false),
            deliveryID: deliveryID
        )
    }
}
