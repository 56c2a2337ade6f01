/// The authorize stage: may this principal make this request, or take this action? Doors never contain policy;
/// they ask the pipeline, which asks this seam. ``GrantPolicy`` is the daemon's.
///
/// `decide` answers the same questions as `authorize`, without side effects, and says which rule decided: explain
/// and dry-run print it. The two must agree. The default `decide` derives its answer from `authorize` (with no rule
/// name); a policy with named rules implements it.
public protocol ReplayPolicy: Sendable {
    /// Returns what the authorization established (the grant that allowed the replay, the run's facts) when the
    /// replay is allowed; throws `ReplayError` with code `forbidden` otherwise (or the error of a run lookup
    /// that a grant scoped by project or job needed).
    func authorize(_ principal: Principal, _ request: ReplayRequest) async throws(ReplayError) -> ReplayAuthorization
    /// Returns normally when `principal` may take `action` (other than a replay) through `door`; throws
    /// `ReplayError` with code `forbidden` otherwise.
    func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError)
    /// The decision ``authorize(_:_:)`` takes for the replay, and the rule that took it. No side effects.
    /// Asynchronous, so that a policy may look the run up (its project) as its `authorize` does.
    func decide(_ principal: Principal, _ request: ReplayRequest) async -> PolicyVerdict
    /// The decision ``authorize(_:action:door:)`` takes for the action, and the rule that took it. No side
    /// effects.
    func decide(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) -> PolicyVerdict
}

extension ReplayPolicy {
    /// The verdict of ``authorize(_:_:)``, with no rule name.
    public func decide(_ principal: Principal, _ request: ReplayRequest) async -> PolicyVerdict {
        do {
            let authorization = try await authorize(principal, request)
            return PolicyVerdict(allowed: true, rule: authorization.grant, reason: "allowed")
        } catch {
            return PolicyVerdict(allowed: false, rule: nil, reason: error.message)
        }
    }

    /// The verdict of ``authorize(_:action:door:)``, with no rule name.
    public func decide(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) -> PolicyVerdict {
        do {
            try authorize(principal, action: action, door: door)
            return PolicyVerdict(allowed: true, rule: nil, reason: "allowed")
        } catch {
            return PolicyVerdict(allowed: false, rule: nil, reason: error.message)
        }
    }
}

/// Allows every authenticated principal: being mapped in `[[principals]]` is the grant. Only for pipelines built
/// in code without a config (tests); the daemon always runs ``GrantPolicy``.
public struct MappedPrincipalsPolicy: ReplayPolicy {
    /// What explain says about every request under this policy.
    static let verdict = PolicyVerdict(
        allowed: true,
        rule: nil,
        reason: "allowed: a mapped principal (no grants configured)"
    )

    /// Creates the policy.
    public init() {}

    public func authorize(
        _ principal: Principal,
        _ request: ReplayRequest
    ) async throws(ReplayError) -> ReplayAuthorization {
        ReplayAuthorization()
    }

    public func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError) {}

    public func decide(_ principal: Principal, _ request: ReplayRequest) async -> PolicyVerdict { Self.verdict }

    public func decide(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) -> PolicyVerdict {
        Self.verdict
    }
}
