import Foundation
import HTTPServer
import Logging
import ReplayCore
import Strait

/// `GET /v1/runs/{runID}` on the socket door: Strait's run as Strait returned it, read with replayd's key. For
/// mapped principals only; it never changes anything, so it is not audited.
struct RunReadRoute: Sendable {
    let reader: any RunReader

    func get(_ request: GatewayRequest, encodedRunID: Substring, logger: Logger) async -> GatewayResponse {
        guard request.principal != nil else {
            return .error(
                ReplayError(.unknownPeer, "uid \(request.peer.uid) is not mapped"),
                requestID: request.requestID
            )
        }
        guard let decoded = PercentEncoding.decode(encodedRunID) else {
            return .error(
                ReplayError(.badRequest, "invalid run id: malformed percent-encoding in the path"),
                requestID: request.requestID
            )
        }
        let runID: RunID
        do {
            runID = try RunID(decoded)
        } catch {
            return .error(
                ReplayError(.badRequest, error.message, details: ["field=\(error.field)"]),
                requestID: request.requestID
            )
        }
        do {
            let result = try await reader.getRun(runID, requestID: request.requestID)
            return GatewayResponse(
                status: 200,
                headers: ["Content-Type": "application/json"],
                body: result.response.body
            )
        } catch {
            logger.notice("reading a run failed", metadata: ["run_id": "\(runID)", "error": "\(error)"])
            return Self.response(for: error, requestID: request.requestID)
        }
    }

    /// Strait's refusal passed on with its status and code; a transport failure as 502 `upstream_unreachable`.
    static func response(for error: StraitClientError, requestID: String) -> GatewayResponse {
        switch error {
        case .api(let api):
            return ErrorEnvelope.response(
                status: api.status,
                code: api.code,
                message: "Strait answered: \(api.message)",
                requestID: requestID
            )
        case .invalidInput(let input):
            return .error(ReplayError(.badRequest, input.message), requestID: requestID)
        case .transport(let transport):
            return .error(
                ReplayError(.upstreamUnreachable, "could not reach Strait to read the run: \(transport.code)"),
                requestID: requestID
            )
        case .undecodableResponse:
            return .error(
                ReplayError(.upstreamBadResponse, "Strait's answer about the run could not be read"),
                requestID: requestID
            )
        }
    }
}
