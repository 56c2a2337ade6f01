/// The authenticate stage of the team door: `Authorization: Bearer rpd_…` to a ``Principal``.
///
/// Every request looks its token up in the store by keyed hash (an indexed read), so a revocation or an expiry
/// written by `replayd token` or the socket route takes effect on the next request, with no cache to go stale.
/// The stored hash is compared with the computed one in constant time. A token whose principal has left
/// `[[principals]]` is refused.
public struct TeamTokenAuthenticator: Sendable {
    private let store: any TeamTokenStore
    private let key: TeamTokenKey
    private let principals: Set<String>
    private let clock: any ReplayClock
    /// How stale `last_used` may get before a request updates it (one write per token per interval, not per request).
    private let touchInterval: Int64

    /// Creates the stage. `principals` are the configured `[[principals]]` names.
    public init(
        store: any TeamTokenStore,
        key: TeamTokenKey,
        principals: Set<String>,
        clock: any ReplayClock,
        touchIntervalMilliseconds: Int64 = 60_000
    ) {
        self.store = store
        self.key = key
        self.principals = principals
        self.clock = clock
        self.touchInterval = touchIntervalMilliseconds
    }

    /// The principal the header's token acts as, or why not.
    public func authenticate(authorization: String?) async -> Result<Principal, TeamTokenDenial> {
        guard let authorization, !authorization.isEmpty else { return .failure(TeamTokenDenial(.missing)) }
        // Like Strait: the scheme is `Bearer` and one space; the token is checked for shape before any lookup.
        guard authorization.hasPrefix("Bearer ") else { return .failure(TeamTokenDenial(.malformed)) }
        let token = String(authorization.dropFirst("Bearer ".count))
        guard TeamTokenFormat.isWellFormed(token) else { return .failure(TeamTokenDenial(.malformed)) }
        let digest = key.digest(token)
        let found: (record: TeamTokenRecord, hash: String)?
        do {
            found = try await store.token(hash: digest)
        } catch {
            return .failure(TeamTokenDenial(.storeUnavailable))
        }
        guard let found, TeamTokenKey.equal(found.hash, digest) else {
            return .failure(TeamTokenDenial(.unknown))
        }
        let record = found.record
        let now = clock.wallNowMilliseconds()
        switch record.state(at: now) {
        case .revoked: return .failure(TeamTokenDenial(.revoked, tokenID: record.id, principal: record.principal))
        case .expired: return .failure(TeamTokenDenial(.expired, tokenID: record.id, principal: record.principal))
        case .active: break
        }
        guard principals.contains(record.principal) else {
            return .failure(TeamTokenDenial(.unknownPrincipal, tokenID: record.id, principal: record.principal))
        }
        if now - (record.lastUsedAt ?? 0) >= touchInterval {
            // Best effort: `last_used` is for the operator's list, never a reason to refuse.
            try? await store.touchToken(id: record.id, at: now)
        }
        return .success(Principal(name: record.principal, authentication: .token(id: record.id)))
    }
}
