import Audit
import Foundation
import Logging
import ReplayCore

/// `GET /v1/audit[?n=N][&since=TIME][&principal=NAME][&run=RUN_ID]`: the last `n` audit records (default 100, at
/// most 10,000) that match, oldest first, one JSON line each exactly as stored (`application/x-ndjson`). Needs the
/// `audit_read` grant; the denial is audited like any other.
struct AuditTailRoute {
    let pipeline: ReplayPipeline
    let source: any AuditTailSource
    /// The time now, Unix nanoseconds (for `since=1h`).
    var nowNanoseconds: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000_000) }

    func get(_ request: GatewayRequest, logger: Logger) async -> GatewayResponse {
        guard let principal = request.principal else {
            return .error(
                ReplayError(.unknownPeer, "uid \(request.peer.uid) is not mapped"),
                requestID: request.requestID
            )
        }
        do throws(ReplayError) {
            try await pipeline.authorize(
                principal,
                action: .auditRead,
                origin: RequestOrigin(door: .socket, requestID: request.requestID),
                logger: logger
            )
            var count = 100
            if let text = request.queryValue("n") {
                guard let value = Int(text), (1...10_000).contains(value) else {
                    throw ReplayError(.badRequest, "n must be 1 to 10000, got \(text)", details: ["field=n"])
                }
                count = value
            }
            var filter = AuditTailFilter(principal: request.queryValue("principal"), runID: request.queryValue("run"))
            if let text = request.queryValue("since") {
                guard let since = AuditSince.parse(text, now: nowNanoseconds()) else {
                    throw ReplayError(
                        .badRequest,
                        "since must be an RFC 3339 time or a duration ago (10m, 2h, 1d), got \(text)",
                        details: ["field=since"]
                    )
                }
                filter.since = since
            }
            let entries = try await source.tail(filter: filter, count: count)
            var body: [UInt8] = []
            for entry in entries {
                body += entry.line
                if entry.line.last != 0x0A { body.append(0x0A) }
            }
            return GatewayResponse(status: 200, headers: ["Content-Type": "application/x-ndjson"], body: body)
        } catch {
            return .error(error, requestID: request.requestID)
        }
    }
}
