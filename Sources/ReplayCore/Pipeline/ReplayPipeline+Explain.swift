import Logging

extension ReplayPipeline {
    /// Explains what ``execute(_:principal:logger:wait:)`` would do with `request`, without doing it: no audit
    /// record, no claim, nothing sent (`replayctl explain`, `replay --dry-run`).
    ///
    /// Explaining is a read (``PolicyAction/read``). With `other`, the request is explained as the principal named
    /// `other`, which is itself a grant (``PolicyAction/explainAs``): a denial is audited, like every denial.
    /// An allowed explain is not audited: it changes nothing and reveals no more than `show` does, and an audit
    /// record per explain would let any caller grow the chain at will.
    ///
    /// - Throws: `forbidden` (403) when the caller may not read, or may not explain as `other`; `bad_request`
    ///   when `other` names no configured principal.
    public func explain(
        _ request: ReplayRequest,
        principal caller: Principal,
        as other: String? = nil,
        logger: Logger
    ) async throws(ReplayError) -> ReplayExplanation {
        try await authorize(caller, action: .read, origin: request.origin, logger: logger)
        var principal = caller
        var askedBy: (principal: Principal, verdict: PolicyVerdict)?
        if let other, other != caller.name {
            let verdict = policy.decide(caller, action: .explainAs, door: request.origin.door)
            try await authorize(caller, action: .explainAs, origin: request.origin, logger: logger)
            guard principals?.hasPrincipal(named: other) == true else {
                throw ReplayError(
                    .badRequest,
                    "no principal is named \(other) in [[principals]]",
                    details: ["field=as"]
                )
            }
            // The caller's own authentication stays: it is who asked; the name is whose grants are explained.
            principal = Principal(name: other, authentication: caller.authentication)
            askedBy = (caller, verdict)
        }
        let policyVerdict = await policy.decide(principal, request)
        let limitStates = await limits.peek(principal, request)
        let preview = await engine.preview(request, principal: principal, logger: logger)
        var leaderVisible = true
        if case .coalesce(let leader) = preview.claim {
            leaderVisible = visibility.canSee(leader, principal: caller, door: request.origin.door)
        }
        return ReplayExplanation(
            principal: principal,
            askedBy: askedBy,
            request: request,
            policy: policyVerdict,
            limits: limitStates,
            preview: preview,
            leaderVisible: leaderVisible
        )
    }
}
