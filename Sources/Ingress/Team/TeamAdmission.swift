import Logging
import ReplayCore

/// What the team door's head check hands its responder: the route, and for a replay the authenticated principal.
struct TeamAdmission: Sendable {
    /// The route.
    enum Route: Sendable {
        /// `GET /v1/_ping`.
        case ping
        /// `POST /v1/runs/{runID}/replay`, with the run id as written in the path.
        case replay(encodedRunID: Substring, principal: Principal)
    }

    var route: Route
    /// The client address (through `[team] trusted_proxies`).
    var client: String
    /// The request's logger, with `client`, `principal` and `token_id` metadata.
    var logger: Logger
}
