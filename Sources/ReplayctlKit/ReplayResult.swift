import Strait

/// How one replay ended, from replayctl's side.
public enum ReplayResult: Sendable {
    /// A run exists.
    case created(CreatedReplay)
    /// replayd is still working on it (exit 12), or gave up deciding and waits for a person (`indeterminate`,
    /// exit 11).
    case pending(PendingReplay)
    /// It failed, or replayd could not be asked.
    case failed(ReplayFailure)

    /// The exit status it maps to.
    public var exitStatus: ExitStatus {
        switch self {
        case .created: return .ok
        case .pending(let pending): return pending.exitStatus
        case .failed(let failure): return failure.exitStatus
        }
    }

    /// The idempotency key, when known.
    public var key: String? {
        switch self {
        case .created(let created): return created.key
        case .pending(let pending): return pending.key
        case .failed(let failure): return failure.key
        }
    }

    /// The result a record tells: its stored answer when final, else pending.
    public init(record: ReplayRecord, recordJSON: JSONValue?, pendingMessage: String) {
        switch record.state {
        case "succeeded":
            let created = CreatedReplay(
                key: record.key,
                body: record.response?.body,
                run: record.response?.run,
                newRunID: record.newRunID,
                replayed: false,
                coalesced: record.coalescedFrom != nil
            )
            self = .created(created)
        case "failed":
            self = .failed(Self.failure(of: record))
        default:
            let message = record.needsOperator ? Self.operatorMessage(key: record.key) : pendingMessage
            self = .pending(PendingReplay(key: record.key, message: message, recordJSON: recordJSON, record: record))
        }
    }

    /// Why an `indeterminate` record is not waited for.
    public static func operatorMessage(key: String) -> String {
        "replayd could not tell whether Strait created a run and stopped looking; a person must decide "
            + "(replayctl resolve \(key))"
    }

    /// The failure a `failed` record stores: its stored answer's envelope, else its `error`.
    static func failure(of record: ReplayRecord) -> ReplayFailure {
        if let response = record.response, let status = response.status, !(200..<300).contains(status) {
            return ReplayFailure(status: status, envelope: response.envelope, requestID: nil, key: record.key)
        }
        let code = record.error?.code
        return ReplayFailure(
            message: record.error?.message ?? "the replay failed",
            exitStatus: .forResponse(status: record.response?.status ?? 0, code: code),
            httpStatus: record.response?.status,
            errorCode: code,
            key: record.key
        )
    }
}
