import NIOHTTP1
import ReplayCore
import Strait

/// Reads Strait's replay route, `POST /v1/runs/{runID}/replay[?from_checkpoint=N][&force=true]` with an optional
/// `Idempotency-Key`, into a ``ReplayRequest``: what every door that mirrors Strait's route (the socket, the team
/// door) shares.
enum ReplayRouteParser {
    /// The request, or a `bad_request` naming the field.
    static func parse(
        encodedRunID: Substring,
        queryValue: (String) -> String?,
        headers: HTTPHeaders,
        origin: RequestOrigin
    ) throws(ReplayError) -> ReplayRequest {
        guard let decoded = PercentEncoding.decode(encodedRunID) else {
            throw ReplayError(.badRequest, "invalid run id: malformed percent-encoding in the path")
        }
        let runID: RunID
        do {
            runID = try RunID(decoded)
        } catch {
            throw ReplayError(.badRequest, error.message, details: ["field=\(error.field)"])
        }
        var checkpoint: CheckpointSequence?
        if let text = queryValue("from_checkpoint"), !text.isEmpty {
            do {
                checkpoint = try CheckpointSequence(parsing: text)
            } catch {
                throw ReplayError(.badRequest, error.message, details: ["field=\(error.field)"])
            }
        }
        let key = headers.first(name: "Idempotency-Key")
        if let key, !IdempotencyKey.isValid(key) {
            throw ReplayError(
                .badRequest,
                "Idempotency-Key must be 1 to 255 printable ASCII characters",
                details: ["field=Idempotency-Key"]
            )
        }
        let force: Bool
        switch queryValue("force") {
        case nil, "false", "0": force = false
        case "true", "1", "": force = true
        case let other?:
            throw ReplayError(.badRequest, "force must be true or false, got \(other)", details: ["field=force"])
        }
        return ReplayRequest(
            runID: runID,
            fromCheckpoint: checkpoint,
            idempotencyKey: key,
            force: force,
            origin: origin
        )
    }
}
