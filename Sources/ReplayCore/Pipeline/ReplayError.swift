/// An error replayd raises itself (as opposed to one Strait returned). Rendered in Strait's envelope with one of
/// the documented codes below, so clients handle both kinds the same way.
public struct ReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A documented, stable error code. The README lists them all.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        /// The HTTP status this code is answered with.
        public let status: Int

        private init(_ rawValue: String, _ status: Int) {
            self.rawValue = rawValue
            self.status = status
        }

        /// The Unix peer's uid maps to no principal (403).
        public static let unknownPeer = Code("unknown_peer", 403)
        /// No valid credentials: a team door request without a working bearer token (401, Strait's code).
        public static let unauthenticated = Code("authentication_required", 401)
        /// The principal may not do this (403).
        public static let forbidden = Code("forbidden", 403)
        /// A request field is invalid; the message names it (400).
        public static let badRequest = Code("bad_request", 400)
        /// No such route (404).
        public static let routeNotFound = Code("not_found", 404)
        /// No replay record with that key for this principal (404).
        public static let recordNotFound = Code("not_found", 404)
        /// The same idempotency key is being worked on right now; retry after `Retry-After` (409).
        public static let requestInProgress = Code("request_in_progress", 409)
        /// The idempotency key was already used for a different request (422).
        public static let idempotencyKeyReused = Code("idempotency_key_reused", 422)
        /// The outcome is not known yet; the work continues; ask again at the record's URL (202).
        public static let outcomePending = Code("outcome_pending", 202)
        /// Replays are paused (`replayctl pause`): the request is accepted durably and held; it is sent after
        /// `replayctl resume` (202).
        public static let paused = Code("paused", 202)
        /// The route exists, the method does not (405).
        public static let methodNotAllowed = Code("method_not_allowed", 405)
        /// replayd's own rate limit or in-flight cap refused the request, or too many failed authentication
        /// attempts came from this client; retry after `Retry-After` (429).
        public static let rateLimited = Code("rate_limited", 429)
        /// The request was not complete within the read timeout (408).
        public static let requestTimeout = Code("request_timeout", 408)
        /// The body is over the size limit (413).
        public static let payloadTooLarge = Code("payload_too_large", 413)
        /// The request head is over the size limit (431).
        public static let headersTooLarge = Code("request_header_fields_too_large", 431)
        /// Strait could not be reached; nothing was sent, so no run was created (502).
        public static let upstreamUnreachable = Code("upstream_unreachable", 502)
        /// The request reached Strait but no answer came back: a run may or may not exist. Recorded on a replay
        /// while it is reconciled; callers see 202 `outcome_pending` instead of this status.
        public static let upstreamOutcomeUnknown = Code("upstream_outcome_unknown", 504)
        /// Strait answered with something replayd could not understand (502). The engine now reconciles such an
        /// answer instead of failing with it; the code stays for the JSON-RPC mapping.
        public static let upstreamBadResponse = Code("upstream_bad_response", 502)
        /// Too many connections, or shutting down (503).
        public static let unavailable = Code("service_unavailable", 503)
        /// The audit log cannot record the request (unwritable, or the disk is below `[audit] min_free_space`), so
        /// nothing is sent: replayd fails closed (503).
        public static let auditUnavailable = Code("audit_unavailable", 503)
        /// A bug or an unexpected local failure (500).
        public static let internalError = Code("internal_error", 500)

        public var description: String { rawValue }
    }

    /// The code.
    public var code: Code
    /// A sentence for the user. Never contains a secret.
    public var message: String
    /// Extra facts (for example the request ids sent upstream), as `key=value` strings.
    public var details: [String]

    /// Creates an error.
    public init(_ code: Code, _ message: String, details: [String] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
