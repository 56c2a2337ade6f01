import Foundation
import ReplayctlKit
import Strait

/// Prints results and failures in the chosen format. Failures in JSON mode go to stdout as
/// `{"error","exit_code","code",...}` (the Strait CLI's shape); otherwise to stderr.
struct Reporter {
    let format: OutputFormat

    func failure(
        _ message: String,
        status: ExitStatus,
        httpStatus: Int? = nil,
        errorCode: String? = nil,
        requestID: String? = nil,
        key: String? = nil,
        extra: [String: JSONValue] = [:]
    ) -> ExitStatus {
        switch format {
        case .json:
            var object: [String: JSONValue] = extra
            object["error"] = .string(message)
            object["exit_code"] = .number(Double(status.rawValue))
            object["code"] = .string(status.codeWord)
            if let httpStatus { object["status"] = .number(Double(httpStatus)) }
            if let errorCode { object["error_code"] = .string(errorCode) }
            if let requestID { object["request_id"] = .string(requestID) }
            if let key { object["key"] = .string(key) }
            printJSON(JSONValue.object(object))
        case .table:
            var line = "replayctl: error: \(message)"
            if let httpStatus, let errorCode { line += " (\(httpStatus) \(errorCode))" }
            if let requestID { line += " [request \(requestID)]" }
            printError(line)
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
            key: failure.key
        )
    }

    /// How a replay of `runID` ended: the run (JSON: as Strait returned it), the pending record (exit 12), or the
    /// failure.
    func result(_ result: ReplayResult, runID: String) -> ExitStatus {
        switch result {
        case .created(let created):
            switch format {
            case .json:
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
            return self.pending(pending)
        case .failed(let failure):
            return self.failure(failure)
        }
    }

    /// A replay whose outcome is not known yet: exit 12, or 11 for an `indeterminate` record. JSON: the failure
    /// shape with `key` and the record as `replay`; table: the record on stdout and how to follow it on stderr.
    func pending(_ pending: PendingReplay) -> ExitStatus {
        switch format {
        case .json:
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
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(value) {
            FileHandle.standardOutput.write(data + Data("\n".utf8))
        }
    }

    /// Prints a raw JSON body, pretty-printed when it parses.
    func printRawJSON(_ body: [UInt8]) {
        if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)) {
            printJSON(value)
        } else {
            FileHandle.standardOutput.write(Data(body))
        }
    }

    /// One line on stderr.
    func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
