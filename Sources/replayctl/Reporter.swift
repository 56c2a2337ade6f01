import Foundation
import ReplayctlKit
import Strait

/// Prints results and failures in the chosen format. Failures in JSON mode go to stdout as
/// `{"error","exit_code","code",...}` (the Strait CLI's shape); otherwise to stderr.
struct Reporter: Sendable {
    let options: OutputOptions

    var format: OutputFormat { options.format }

    init(options: OutputOptions) {
        self.options = options
    }

    func failure(
        _ message: String,
        status: ExitStatus,
        httpStatus: Int? = nil,
        errorCode: String? = nil,
        requestID: String? = nil,
        key: String? = nil,
        reason: String? = nil,
        debugDetail: String? = nil,
        extra: [String: JSONValue] = [:]
    ) -> ExitStatus {
        switch format {
        case .json, .jsonl, .compact:
            var object: [String: JSONValue] = extra
            object["error"] = .string(message)
            object["exit_code"] = .number(Double(status.rawValue))
            object["code"] = .string(status.codeWord)
            if let httpStatus { object["status"] = .number(Double(httpStatus)) }
            if let errorCode { object["error_code"] = .string(errorCode) }
            if let requestID { object["request_id"] = .string(requestID) }
            if let key { object["key"] = .string(key) }
            if let reason { object["reason"] = .string(reason) }
            if options.debug, let debugDetail { object["debug"] = .string(debugDetail) }
            printJSON(JSONValue.object(object))
        case .table:
            let prefix = options.color ? "\u{1B}[31mreplayctl: error:\u{1B}[0m" : "replayctl: error:"
            var line = "\(prefix) \(message)"
            if let httpStatus, let errorCode { line += " (\(httpStatus) \(errorCode))" }
            if let requestID { line += " [request \(requestID)]" }
            printError(line)
            if options.debug, let debugDetail { printError("  \(debugDetail)") }
        }
        return status
    }

    /// A failure from replayd or the transport.
    func failure(_ failure: ReplayFailure) -> ExitStatus {
        self.failure(
            failure.message,
            status: failure.exitStatus,
            httpStatus: failure.httpStatus,
            errorCode: failure.errorCode,
            requestID: failure.requestID,
            key: failure.key,
            reason: failure.reason,
            debugDetail: failure.debugDetail
        )
    }

    /// How a replay of `runID` ended: the run (JSON: as Strait returned it), the pending record (exit 12), or the
    /// failure.
    func result(_ result: ReplayResult, runID: String) -> ExitStatus {
        switch result {
        case .created(let created):
            if options.quiet {
                print(created.newRunID ?? "")
                return .ok
            }
            switch format {
            case .json, .jsonl, .compact:
                if let body = created.body {
                    printJSON(body)
                } else {
                    printJSON(JSONValue.object(["id": created.newRunID.map(JSONValue.string) ?? .null]))
                }
            case .table:
                print(ReplaySummary.text(originalID: runID, created: created))
            }
            return .ok
        case .pending(let pending):
            if options.quiet {
                printError("replayctl: outcome pending: \(pending.message)")
                return pending.exitStatus
            }
            return self.pending(pending)
        case .failed(let failure):
            return self.failure(failure)
        }
    }

    /// A replay whose outcome is not known yet: exit 12, or 11 for an `indeterminate` record. JSON: the failure
    /// shape with `key` and the record as `replay`; table: the record on stdout and how to follow it on stderr.
    func pending(_ pending: PendingReplay) -> ExitStatus {
        switch format {
        case .json, .jsonl, .compact:
            return failure(
                pending.message,
                status: pending.exitStatus,
                errorCode: pending.needsOperator ? "indeterminate" : "outcome_pending",
                key: pending.key,
                extra: ["replay": pending.recordJSON ?? .null]
            )
        case .table:
            if let record = pending.record { print(RecordTable.detail(record)) }
            if pending.needsOperator {
                printError("replayctl: outcome unknown: \(pending.message).")
            } else {
                let follow = pending.key.map { " Follow it with `replayctl show \($0)`." } ?? ""
                printError("replayctl: outcome pending: \(pending.message).\(follow)")
            }
            return pending.exitStatus
        }
    }

    func printJSON<Value: Encodable>(_ value: Value) {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            format == .json
            ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(value) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    /// Prints a raw JSON body, pretty-printed or on one line when it parses. In `jsonl`, a `{"data":[...]}` list
    /// prints one element per line.
    func printRawJSON(_ body: [UInt8]) {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) {
            if format == .jsonl, case .object(let object) = value, case .array(let items)? = object["data"] {
                for item in items { printJSON(item) }
                return
            }
            printJSON(value)
        } else {
            FileHandle.standardOutput.write(Data(body))
        }
    }

    /// With `-v`: one line on stderr.
    func trace(_ line: String) {
        guard options.verbose else { return }
        printError("replayctl: " + line)
    }

    /// One line on stderr.
    func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
