import Foundation

/// One JSON line of `replayctl replay --from-file … -o json`, per input line that is not blank or a comment:
/// `{"error","exit_code","key","line","new_run_id","run_id","status"}`, with `null` for what does not apply.
public struct BulkLineReport: Sendable, Hashable, Encodable {
    /// The line number, from 1.
    public var line: Int
    /// The run id (`null` for a malformed line).
    public var runID: String?
    /// The idempotency key sent (`null` for a malformed line).
    public var key: String?
    /// How the line ended.
    public var status: BulkLineStatus
    /// The new run's id, for `created`, `replayed` and `coalesced`.
    public var newRunID: String?
    /// What went wrong, for `failed` and `pending`.
    public var error: String?
    /// The line's exit status (0 when it succeeded).
    public var exitCode: Int32

    enum CodingKeys: String, CodingKey {
        case line
        case runID = "run_id"
        case key, status
        case newRunID = "new_run_id"
        case error
        case exitCode = "exit_code"
    }

    /// The report of a line that was sent.
    public init(entry: BulkEntry, key: String, result: ReplayResult) {
        line = entry.line
        runID = entry.runID
        self.key = key
        status = BulkLineStatus(result)
        exitCode = result.exitStatus.rawValue
        switch result {
        case .created(let created): newRunID = created.newRunID
        case .pending(let pending): error = pending.message
        case .failed(let failure): error = failure.message
        }
    }

    /// The report of a line that was never sent (replayd lost, or Ctrl-C first).
    public init(notSent entry: BulkEntry, key: String, exitStatus: ExitStatus) {
        line = entry.line
        runID = entry.runID
        self.key = key
        status = .notSent
        error = "not sent"
        exitCode = exitStatus.rawValue
    }

    /// The report of a malformed line.
    public init(malformed: BulkLineError) {
        line = malformed.line
        status = .failed
        error = malformed.message
        exitCode = ExitStatus.badRequest.rawValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(line, forKey: .line)
        try container.encode(runID, forKey: .runID)
        try container.encode(key, forKey: .key)
        try container.encode(status, forKey: .status)
        try container.encode(newRunID, forKey: .newRunID)
        try container.encode(error, forKey: .error)
        try container.encode(exitCode, forKey: .exitCode)
    }

    /// The report as one line of JSON, keys sorted, without a newline.
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{\"line\":\(line),\"status\":\"failed\"}" }
        return String(decoding: data, as: UTF8.self)
    }
}
