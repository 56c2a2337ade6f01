import Curl
import Foundation
import Strait

/// Why a command did not get what it asked for, ready to print: a sentence, the exit status, and what replayd
/// said.
public struct ReplayFailure: Sendable, Hashable, Error {
    /// A sentence for people.
    public var message: String
    /// The exit status it maps to.
    public var exitStatus: ExitStatus
    /// replayd's HTTP status, when it answered.
    public var httpStatus: Int?
    /// The envelope's `error.code`.
    public var errorCode: String?
    /// replayd's request id.
    public var requestID: String?
    /// The idempotency key involved, when known.
    public var key: String?
    /// What the transport said, shown only with `--debug`.
    public var debugDetail: String?
    /// A short word for what went wrong locally (`no_socket`, `permission_denied`), for JSON output.
    public var reason: String?

    /// Creates a failure.
    public init(
        message: String,
        exitStatus: ExitStatus,
        httpStatus: Int? = nil,
        errorCode: String? = nil,
        requestID: String? = nil,
        key: String? = nil
    ) {
        self.message = message
        self.exitStatus = exitStatus
        self.httpStatus = httpStatus
        self.errorCode = errorCode
        self.requestID = requestID
        self.key = key
    }

    /// An error answer from replayd, decoded from Strait's envelope. A reused idempotency key gets a message that
    /// says what to do.
    public init(status: Int, body: [UInt8], headers: HTTPHeaders = [:], key: String? = nil) {
        let envelope = try? JSONDecoder().decode(StraitErrorEnvelope.self, from: Data(body))
        self.init(status: status, envelope: envelope, requestID: headers["X-Request-Id"], key: key)
    }

    /// An error from an envelope (`nil` when the body was not one).
    public init(status: Int, envelope: StraitErrorEnvelope?, requestID: String?, key: String?) {
        let code = envelope?.error.code
        var message = envelope?.error.message ?? "replayd answered HTTP \(status)"
        if code == "idempotency_key_reused" {
            let name = key.map { "idempotency key \"\($0)\"" } ?? "the idempotency key"
            message =
                "\(name) was already used for a different replay (another run, checkpoint or --force); "
                + "use a new key. replayd said: \(message)"
        }
        self.init(
            message: message,
            exitStatus: .forResponse(status: status, code: code),
            httpStatus: status,
            errorCode: code,
            requestID: envelope?.requestID ?? requestID,
            key: key
        )
    }

    /// A transfer that failed. When the request may have reached replayd and it carried a key, the message says
    /// how to find out what became of it.
    public init(transport error: DaemonError, key: String?) {
        var message = error.message
        if let key, error.requestMayHaveArrived {
            message += message.hasSuffix(".") ? " The replay" : "; the replay"
            message += " may still go ahead: `replayctl show \(key)` tells"
        }
        self.init(message: message, exitStatus: error.exitStatus, key: key)
        debugDetail = error.debugDetail
        reason = error.reason
    }
}
