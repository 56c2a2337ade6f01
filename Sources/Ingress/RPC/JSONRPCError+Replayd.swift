import ReplayCore
import Strait

extension JSONRPCError {
    /// An error in replayd's server range, with `data` built from a REST error: `code`, `message`, `details`
    /// (when any), `status`, and `request_id` and `retry_after` when known.
    public init(
        _ serverCode: JSONRPCServerCode,
        restCode: String,
        message: String,
        details: [String]? = nil,
        status: Int,
        requestID: String? = nil,
        retryAfterSeconds: Int64? = nil
    ) {
        self.init(
            code: serverCode.rawValue,
            message: message,
            data: Self.restData(
                code: restCode,
                message: message,
                details: details,
                status: status,
                requestID: requestID,
                retryAfterSeconds: retryAfterSeconds
            )
        )
    }

    /// replayd's own error (the REST door's `ReplayError`), mapped as ``JSONRPCServerCode`` documents.
    ///
    /// `bad_request` becomes −32602 with `data.field` taken from a `field=NAME` detail when there is one.
    public init(replayError error: ReplayError, retryAfterSeconds: Int64? = nil) {
        let details = error.details.isEmpty ? nil : error.details
        guard error.code != .badRequest else {
            var data = Self.restData(
                code: error.code.rawValue,
                message: error.message,
                details: details,
                status: error.code.status,
                requestID: nil,
                retryAfterSeconds: retryAfterSeconds
            )
            if case .object(var members) = data,
                let field = error.details.first(where: { $0.hasPrefix("field=") })?.dropFirst("field=".count)
            {
                members["field"] = .string(String(field))
                data = .object(members)
            }
            self.init(code: Self.invalidParamsCode, message: error.message, data: data)
            return
        }
        self.init(
            JSONRPCServerCode(restCode: error.code.rawValue),
            restCode: error.code.rawValue,
            message: error.message,
            details: details,
            status: error.code.status,
            retryAfterSeconds: retryAfterSeconds
        )
    }

    /// Strait refused the call: −32001 `upstream_rejected`, with Strait's code, message, details, status,
    /// request id and `Retry-After` (rounded up to whole seconds) in `data`.
    public init(upstreamRejection error: StraitAPIError) {
        let retryAfter = error.retryAfter.map { retry -> Int64 in
            let parts = retry.delay.components
            return parts.seconds + (parts.attoseconds > 0 ? 1 : 0)
        }
        self.init(
            .upstreamRejected,
            restCode: error.code,
            message: error.message,
            details: error.details,
            status: error.status,
            requestID: error.requestID,
            retryAfterSeconds: retryAfter
        )
    }

    private static func restData(
        code: String,
        message: String,
        details: [String]?,
        status: Int,
        requestID: String?,
        retryAfterSeconds: Int64?
    ) -> JSONValue {
        var members: [String: JSONValue] = [
            "code": .string(code),
            "message": .string(message),
            "status": .number(Double(status)),
        ]
        if let details { members["details"] = .array(details.map(JSONValue.string)) }
        if let requestID { members["request_id"] = .string(requestID) }
        if let retryAfterSeconds { members["retry_after"] = .number(Double(retryAfterSeconds)) }
        return .object(members)
    }
}
