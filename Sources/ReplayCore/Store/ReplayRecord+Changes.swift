extension ReplayRecord {
    /// The record after `change` at `time`, computed in memory exactly as the store applies it: a field set in
    /// `change` is written, a `nil` field named in `clear` becomes `nil`, every other field is left alone, and
    /// `updatedAt` becomes `time`. Drivers keep their record this way instead of reading it back after each write.
    public func applying(_ change: RecordChange, at time: Int64) -> ReplayRecord {
        var record = self
        record.updatedAt = time
        if let state = change.state { record.state = state }
        if let next = change.nextActionAt {
            record.nextActionAt = next
        } else if change.clear.contains(.nextActionAt) {
            record.nextActionAt = nil
        }
        if let deadline = change.reconcileDeadline {
            record.reconcileDeadline = deadline
        } else if change.clear.contains(.reconcileDeadline) {
            record.reconcileDeadline = nil
        }
        if let projectID = change.projectID { record.projectID = projectID }
        if let newRunID = change.newRunID { record.newRunID = newRunID }
        if let status = change.responseStatus { record.responseStatus = status }
        if let body = change.responseBody { record.responseBody = body }
        if let code = change.errorCode {
            record.errorCode = code
        } else if change.clear.contains(.errorCode) {
            record.errorCode = nil
        }
        if let message = change.errorMessage {
            record.errorMessage = message
        } else if change.clear.contains(.errorMessage) {
            record.errorMessage = nil
        }
        if let resolution = change.resolution { record.resolution = resolution }
        return record
    }

    /// The record after a new attempt (`requestID`, recorded at `time`): appended as the next number with outcome
    /// `.recorded`, the record `in_flight` with nothing scheduled, as ``ReplayStore/recordAttempt(_:requestID:at:)``
    /// stores it.
    public func recordingAttempt(requestID: String, at time: Int64) -> ReplayRecord {
        var record = self
        record.attempts.append(
            AttemptRecord(number: (attempts.last?.number ?? 0) + 1, requestID: requestID, recordedAt: time)
        )
        record.state = .inFlight
        record.nextActionAt = nil
        record.updatedAt = time
        return record
    }

    /// The record after attempt `number`'s result, as the store records it (the record's `updatedAt` becomes
    /// `time`). An unknown number leaves the attempts alone.
    public func finishingAttempt(
        _ number: Int,
        outcome: AttemptOutcome,
        status: Int?,
        detail: String?,
        at time: Int64
    ) -> ReplayRecord {
        var record = self
        if let index = record.attempts.firstIndex(where: { $0.number == number }) {
            record.attempts[index].outcome = outcome
            record.attempts[index].status = status
            record.attempts[index].detail = detail
            record.attempts[index].finishedAt = time
        }
        record.updatedAt = time
        return record
    }
}
