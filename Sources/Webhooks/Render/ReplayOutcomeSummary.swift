/// What became of one replay request, in the terms the renderers need. The door fills it from the engine's
/// result, so rendering does not depend on `ReplayCore`.
public struct ReplayOutcomeSummary: Sendable, Hashable {
    /// Where the request stands.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Strait created the new run.
        case succeeded
        /// Strait (or replayd's policy) refused, or the call failed in a way that certainly created no run.
        case failed
        /// Accepted by replayd, not yet answered by Strait.
        case pending
        /// The call failed in a way that may or may not have created a run (timeout, 5xx after sending).
        case indeterminate
    }

    /// The run that was asked to be replayed.
    public var runID: String
    /// The run Strait created, when known.
    public var newRunID: String?
    /// The new run's status as Strait reported it (`queued`...), when known.
    public var newRunStatus: String?
    /// Where the request stands.
    public var state: State
    /// A stable error code (`not_replayable`, `rate_limited`...), for failures.
    public var errorCode: String?
    /// Plain words for the error, for failures. Must not contain secrets.
    public var errorMessage: String?
    /// The request key users pass to `/replay status`.
    public var key: String

    /// Creates a summary.
    public init(
        runID: String,
        newRunID: String? = nil,
        newRunStatus: String? = nil,
        state: State,
        errorCode: String? = nil,
        errorMessage: String? = nil,
        key: String
    ) {
        self.runID = runID
        self.newRunID = newRunID
        self.newRunStatus = newRunStatus
        self.state = state
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.key = key
    }

    /// The summary as a JSON object: `run_id`, `key`, `state`, and when known `new_run_id`, `new_run_status`,
    /// `error: {code, message}`.
    public var json: WebhookJSONValue {
        var object: [String: WebhookJSONValue] = [
            "run_id": .string(runID),
            "key": .string(key),
            "state": .string(state.rawValue),
        ]
        if let newRunID { object["new_run_id"] = .string(newRunID) }
        if let newRunStatus { object["new_run_status"] = .string(newRunStatus) }
        if errorCode != nil || errorMessage != nil {
            var error: [String: WebhookJSONValue] = [:]
            if let errorCode { error["code"] = .string(errorCode) }
            if let errorMessage { error["message"] = .string(ChatText.clipped(errorMessage)) }
            object["error"] = .object(error)
        }
        return .object(object)
    }
}
