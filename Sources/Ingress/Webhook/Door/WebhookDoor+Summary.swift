import Foundation
import ReplayCore
import Strait
import Webhooks

extension WebhookDoor {
    /// What a submission means to a chat user or a webhook sender.
    static func summary(_ submission: ReplaySubmission, runID: String, key: String) -> ReplayOutcomeSummary {
        switch submission {
        case .completed(let record, _), .pending(let record), .inProgress(let record):
            return summary(record)
        case .keyReused(let record):
            return ReplayOutcomeSummary(
                runID: record.runID,
                state: .failed,
                errorCode: "key_reused",
                errorMessage: "this delivery id was already used for a different replay",
                key: key
            )
        case .rejected(let error):
            return ReplayOutcomeSummary(
                runID: runID,
                state: .failed,
                errorCode: error.code.rawValue,
                errorMessage: error.message,
                key: key
            )
        }
    }

    /// A record as it stands.
    static func summary(_ record: ReplayRecord) -> ReplayOutcomeSummary {
        let state: ReplayOutcomeSummary.State
        switch record.state {
        case .succeeded: state = .succeeded
        case .failed: state = .failed
        case .indeterminate: state = .indeterminate
        case .pending, .inFlight, .reconciling: state = .pending
        }
        var newRunStatus: String?
        if record.state == .succeeded, let body = record.responseBody {
            newRunStatus = (try? StraitJSON.decoder.decode(ReplayedRun.self, from: Data(body)))?.status.rawValue
        }
        var message = record.errorMessage
        if record.state == .indeterminate && message == nil {
            message =
                "Strait may or may not have created the run; replayd could not tell and will not re-send it. "
                + "An operator can settle it with `replayctl resolve`."
        }
        return ReplayOutcomeSummary(
            runID: record.runID,
            newRunID: record.newRunID,
            newRunStatus: newRunStatus,
            state: state,
            errorCode: record.errorCode,
            errorMessage: message,
            key: record.key
        )
    }
}
