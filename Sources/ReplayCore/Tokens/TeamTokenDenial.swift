/// Why a bearer token was not accepted. The message is for the caller and the log; neither ever holds the token.
public struct TeamTokenDenial: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why, as a stable code (also the audit record's reason prefix).
    public enum Reason: String, Sendable, Hashable {
        /// No `Authorization: Bearer …` header.
        case missing = "token_missing"
        /// Not `Bearer rpd_…` with 64 hex characters.
        case malformed = "token_malformed"
        /// Well formed, but no such token.
        case unknown = "token_unknown"
        /// The token was revoked.
        case revoked = "token_revoked"
        /// The token's expiry has passed.
        case expired = "token_expired"
        /// The token's principal is no longer in `[[principals]]`.
        case unknownPrincipal = "token_principal_unknown"
        /// The token store could not be read (503; not the caller's fault, not counted as a failed attempt).
        case storeUnavailable = "token_store_unavailable"
    }

    /// Why.
    public var reason: Reason
    /// The token's id, when the token was found.
    public var tokenID: String?
    /// The token's principal, when the token was found.
    public var principal: String?

    /// Creates a denial.
    public init(_ reason: Reason, tokenID: String? = nil, principal: String? = nil) {
        self.reason = reason
        self.tokenID = tokenID
        self.principal = principal
    }

    /// `true` when the attempt counts towards the failure throttle (every reason but a store outage).
    public var countsAsFailure: Bool { reason != .storeUnavailable }

    /// The sentence the caller gets.
    public var message: String {
        switch reason {
        case .missing: return "missing bearer token; send Authorization: Bearer rpd_…"
        case .malformed, .unknown: return "invalid token"
        case .revoked: return "token has been revoked"
        case .expired: return "token has expired"
        case .unknownPrincipal: return "invalid token"
        case .storeUnavailable: return "replayd's token store is unavailable; retry later"
        }
    }

    public var description: String {
        // `code: detail`, so the metrics label is the code alone (see `ReplaydMetrics.reasonCode`).
        var text = reason.rawValue
        if let tokenID { text += ": \(tokenID)" }
        if let principal { text += " (principal \(principal))" }
        return text
    }
}
