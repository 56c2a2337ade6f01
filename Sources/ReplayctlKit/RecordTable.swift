/// Replay records as text for people: one record in detail (`replayctl show`, `resolve`, a pending replay), or
/// many as a table (`replayctl pending`).
public enum RecordTable {
    /// One record, field by field, with its attempts and what to do next.
    public static func detail(_ record: ReplayRecord) -> String {
        var run = record.runID ?? "-"
        if let checkpoint = record.fromCheckpoint { run += " from checkpoint \(checkpoint)" }
        if record.force { run += " (forced)" }
        var lines = [
            "key          \(record.key)",
            "state        \(record.state)",
            "run          \(run)",
            "new run      \(record.newRunID ?? "-")",
        ]
        if let coalescedFrom = record.coalescedFrom { lines.append("coalesced    with replay \(coalescedFrom)") }
        lines.append("created      \(DisplayText.time(record.createdAt))")
        lines.append("updated      \(DisplayText.time(record.updatedAt))")
        lines.append("next action  \(DisplayText.time(record.nextActionAt))")
        if let error = errorText(record) { lines.append("error        \(error)") }
        if let resolution = record.resolution { lines.append("resolution   \(resolution)") }
        lines.append("attempts     \(record.attempts.count)")
        lines += record.attempts.map { "  " + attemptText($0) }
        if let hint = hint(record) { lines.append(hint) }
        return lines.joined(separator: "\n")
    }

    /// A record body in detail, or the body as text when it is not a record.
    public static func detail(body: [UInt8]) -> String {
        ReplayRecord.decode(body).map(detail) ?? String(decoding: body, as: UTF8.self)
    }

    /// The pending list: key, state, run, attempts, next action, error.
    public static func list(_ records: [ReplayRecord]) -> String {
        let rows = records.map { record in
            [
                record.key,
                record.state,
                record.runID ?? "-",
                String(record.attempts.count),
                DisplayText.time(record.nextActionAt),
                errorText(record).map { DisplayText.truncated($0, to: 60) } ?? "-",
            ]
        }
        return TextTable(header: ["KEY", "STATE", "RUN", "ATTEMPTS", "NEXT ACTION", "ERROR"], rows: rows).render()
    }

    /// `code: message`, either alone, or `nil`.
    static func errorText(_ record: ReplayRecord) -> String? {
        switch (record.error?.code, record.error?.message) {
        case (let code?, let message?): return "\(code): \(message)"
        case (let code?, nil): return code
        case (nil, let message?): return message
        case (nil, nil): return nil
        }
    }

    /// `#1 rq_… answered 201 at … (detail)`.
    static func attemptText(_ attempt: ReplayAttempt) -> String {
        var text = "#\(attempt.number.map(String.init) ?? "?") \(attempt.requestID ?? "-") \(attempt.outcome ?? "-")"
        if let status = attempt.status { text += " \(status)" }
        text += " at \(DisplayText.time(attempt.recordedAt))"
        if attempt.finishedAt != nil { text += ", done \(DisplayText.time(attempt.finishedAt))" }
        if let detail = attempt.detail { text += " (\(detail))" }
        return text
    }

    /// What a person can do about a record that needs one.
    static func hint(_ record: ReplayRecord) -> String? {
        switch record.state {
        case "indeterminate":
            return "replayd could not tell whether Strait created a run. Look for a run whose metadata "
                + "_sentry_request_id is one of the attempts' ids, then: replayctl resolve \(record.key) "
                + "--succeeded RUN_ID | --failed REASON | --reconcile"
        case "pending", "in_flight", "reconciling":
            return "replayd is still working on it: replayctl show \(record.key)"
        default:
            return nil
        }
    }
}
