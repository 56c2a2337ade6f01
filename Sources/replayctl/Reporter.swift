import Foundation
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
        requestID: String? = nil
    ) -> ExitStatus {
        switch format {
        case .json:
            var object: [String: JSONValue] = [
                "error": .string(message),
                "exit_code": .number(Double(status.rawValue)),
                "code": .string(status.codeWord),
            ]
            if let httpStatus { object["status"] = .number(Double(httpStatus)) }
            if let errorCode { object["error_code"] = .string(errorCode) }
            if let requestID { object["request_id"] = .string(requestID) }
            printJSON(JSONValue.object(object))
        case .table:
            var line = "replayctl: error: \(message)"
            if let httpStatus, let errorCode { line += " (\(httpStatus) \(errorCode))" }
            if let requestID { line += " [request \(requestID)]" }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        return status
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

    /// An error answer from replayd, decoded from the envelope.
    func failure(response: [UInt8], httpStatus: Int, requestID: String?) -> ExitStatus {
        let envelope = try? JSONDecoder().decode(StraitErrorEnvelope.self, from: Data(response))
        let code = envelope?.error.code
        let message = envelope?.error.message ?? "replayd answered HTTP \(httpStatus)"
        return failure(
            message,
            status: .forResponse(status: httpStatus, code: code),
            httpStatus: httpStatus,
            errorCode: code,
            requestID: envelope?.requestID ?? requestID
        )
    }
}
