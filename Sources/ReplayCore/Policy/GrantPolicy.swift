import Strait

/// The deny-by-default policy of `[[grants]]` (``GrantConfig``), for every door: a request is allowed only when,
/// for each action it needs, one of its principal's grants allows the action and every scope the grant sets
/// matches. The first matching grant wins; the audit record names it, and a denial names the rule that would have
/// to change. Records: `read` shows a principal its own, `read_all` everyone's, and `resolve` lets it resolve the
/// ones it sees.
///
/// Grants are compiled per principal when the policy is built (at startup), so a decision is one dictionary
/// lookup and a scan of that principal's grants. A grant scoped by `projects` or `jobs` needs the run's facts,
/// read through ``RunLookup`` (cached with a TTL) only when such a grant is reached.
public struct GrantPolicy: ReplayPolicy, RecordVisibility {
    private let grantsByPrincipal: [String: [CompiledGrant]]
    private let principalNames: [String]
    private var runs: (any RunLookup)?
    private let clock: any ReplayClock

    /// Builds the policy from the config's grants and principals (whose `groups` the `group:NAME` entries name).
    ///
    /// - Parameters:
    ///   - runs: reads runs for grants scoped by `projects` or `jobs`; without it such grants never match.
    ///   - clock: the time for `not_before` and `not_after`.
    public init(
        grants: [GrantConfig],
        principals: [PrincipalConfig],
        runs: (any RunLookup)?,
        clock: any ReplayClock
    ) {
        var members: [String: [String]] = [:]
        for principal in principals {
            for group in principal.groups { members[group, default: []].append(principal.name) }
        }
        var byPrincipal: [String: [CompiledGrant]] = [:]
        for grant in grants {
            let compiled = CompiledGrant(grant)
            var names: [String] = []
            for entry in grant.to {
                if entry.hasPrefix("group:") {
                    names += members[String(entry.dropFirst("group:".count)), default: []]
                } else {
                    names.append(entry)
                }
            }
            var added: Set<String> = []
            for name in names where added.insert(name).inserted {
                byPrincipal[name, default: []].append(compiled)
            }
        }
        self.grantsByPrincipal = byPrincipal
        self.principalNames = principals.map(\.name)
        self.runs = runs
        self.clock = clock
    }

    /// The same grants, reading runs through `runs`: the lookup and its cache outlive a reload, which rebuilds the
    /// grants only.
    public func using(runs: (any RunLookup)?) -> GrantPolicy {
        var policy = self
        policy.runs = runs
        return policy
    }

    /// How many grants apply to `principal` (directly or through a group).
    public func grantCount(for principal: String) -> Int {
        grantsByPrincipal[principal]?.count ?? 0
    }

    // MARK: Deciding

    /// The decision for `principal` and `query`, without side effects (no lookup, no audit): `needsRun` when a
    /// grant scoped by project or job is reached and `query.run` is unknown. With `explain`, the decision also
    /// lists every grant considered and why it did not match (for `replayctl explain`; the request path skips it).
    public func decide(_ principal: String, _ query: PolicyQuery, explain: Bool = false) -> PolicyDecision {
        let grants = grantsByPrincipal[principal] ?? []
        var matches: [PolicyDecision.Match] = []
        var evaluations: [PolicyDecision.Evaluation] = []
        for action in query.actions {
            var matched: String?
            var mismatches = MismatchKinds()
            let bit = ActionSet([action])
            for grant in grants {
                let mismatch = grant.mismatch(action, bit, query)
                if explain && mismatch != .action {
                    evaluations.append(.init(action: action, grant: grant.name, mismatch: mismatch))
                }
                if mismatch == .needsRun {
                    return PolicyDecision(
                        principal: principal,
                        query: query,
                        outcome: .needsRun,
                        matches: matches,
                        evaluations: evaluations,
                        denial: "the run's project and job must be looked up"
                    )
                }
                guard let mismatch else {
                    matched = grant.name
                    break
                }
                mismatches.insert(mismatch)
            }
            guard let matched else {
                return PolicyDecision(
                    principal: principal,
                    query: query,
                    outcome: .denied,
                    matches: matches,
                    deniedAction: action,
                    evaluations: evaluations,
                    denial: Self.denial(principal, action, query, mismatches)
                )
            }
            matches.append(.init(action: action, grant: matched))
        }
        return PolicyDecision(
            principal: principal,
            query: query,
            outcome: .allowed,
            matches: matches,
            evaluations: evaluations
        )
    }

    /// `no grant gives alice `replay` on project proj_payments`: the action, and the facts of the request that
    /// the principal's own grants are scoped against (so the sentence says what would have to change, and never
    /// anything about other principals).
    private static func denial(
        _ principal: String,
        _ action: PolicyAction,
        _ query: PolicyQuery,
        _ kinds: MismatchKinds
    ) -> String {
        var sentence = "no grant gives \(principal) `\(action.rawValue)`"
        if let run = query.run {
            if kinds.contains(.project) || !kinds.contains(.job) { sentence += " on project \(run.projectID)" }
            if kinds.contains(.job) { sentence += " for job \(run.jobID)" }
        }
        if kinds.contains(.door) { sentence += " through door \(query.door.rawValue)" }
        if kinds.contains(.source) { sentence += " from source \(query.source ?? "(none)")" }
        if kinds.contains(.channel) { sentence += " in channel \(query.channel ?? "(none)")" }
        if kinds.contains(.notYet) || kinds.contains(.expired) {
            sentence += " at \(StraitTimestamp(secondsSinceEpoch: query.now / 1000, nanoseconds: 0).rawValue)"
        }
        return sentence
    }

    /// The kinds of mismatch seen while scanning, as bits (no allocation on the request path).
    struct MismatchKinds {
        private var bits: UInt16 = 0

        init(_ kinds: [PolicyDecision.Mismatch] = []) {
            for kind in kinds { insert(kind) }
        }

        mutating func insert(_ kind: PolicyDecision.Mismatch) { bits |= Self.bit(kind) }

        func contains(_ kind: PolicyDecision.Mismatch) -> Bool { bits & Self.bit(kind) != 0 }

        private static func bit(_ kind: PolicyDecision.Mismatch) -> UInt16 {
            switch kind {
            case .action: 1 << 0
            case .door: 1 << 1
            case .source: 1 << 2
            case .channel: 1 << 3
            case .project: 1 << 4
            case .job: 1 << 5
            case .notYet: 1 << 6
            case .expired: 1 << 7
            case .needsRun: 1 << 8
            }
        }
    }

    /// The query for `request` by `principal`, now.
    public func query(for principal: Principal, _ request: ReplayRequest) -> PolicyQuery {
        PolicyQuery(
            actions: PolicyQuery.actions(for: request),
            door: request.origin.door,
            source: request.origin.source,
            channel: request.origin.channel,
            now: clock.wallNowMilliseconds()
        )
    }

    // MARK: ReplayPolicy

    public func authorize(
        _ principal: Principal,
        _ request: ReplayRequest
    ) async throws(ReplayError) -> ReplayAuthorization {
        var query = query(for: principal, request)
        var decision = decide(principal.name, query)
        var cached: Bool?
        if decision.outcome == .needsRun {
            guard let runs else {
                throw ReplayError(
                    .forbidden,
                    Self.denial(principal.name, query.actions[0], query, MismatchKinds([.project]))
                )
            }
            let found = try await runs.facts(of: request.runID, requestID: request.origin.requestID)
            query.run = found.facts
            cached = found.cached
            decision = decide(principal.name, query)
        }
        guard decision.outcome == .allowed else {
            throw ReplayError(.forbidden, decision.reason, details: Self.details(decision))
        }
        return ReplayAuthorization(grant: decision.grant, run: query.run, runCached: cached)
    }

    public func authorize(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) throws(ReplayError) {
        let decision = decide(principal.name, query(principal, [action], door: door))
        guard decision.outcome == .allowed else {
            throw ReplayError(.forbidden, decision.reason, details: Self.details(decision))
        }
    }

    private func query(_ principal: Principal, _ actions: [PolicyAction], door: RequestOrigin.Door) -> PolicyQuery {
        var source: String?
        if case .webhook(let name, _) = principal.authentication { source = name }
        return PolicyQuery(actions: actions, door: door, source: source, now: clock.wallNowMilliseconds())
    }

    private static func details(_ decision: PolicyDecision) -> [String] {
        var details = ["action=\(decision.deniedAction?.rawValue ?? "")"]
        if let run = decision.query.run { details += ["project=\(run.projectID)", "job=\(run.jobID)"] }
        return details
    }

    // MARK: Explaining

    /// The verdict ``authorize(_:_:)`` reaches for the replay, with the grant that decided (explain, dry-run). It
    /// reads the run through the same cached lookup when a grant scoped by project or job needs it.
    public func decide(_ principal: Principal, _ request: ReplayRequest) async -> PolicyVerdict {
        do {
            let authorization = try await authorize(principal, request)
            let actions = PolicyQuery.actions(for: request).map(\.rawValue).joined(separator: ", ")
            return PolicyVerdict(
                allowed: true,
                rule: authorization.grant,
                reason: "it allows \(actions)"
            )
        } catch {
            return PolicyVerdict(allowed: false, rule: nil, reason: error.message)
        }
    }

    /// The verdict ``authorize(_:action:door:)`` reaches, with the grant that decided.
    public func decide(_ principal: Principal, action: PolicyAction, door: RequestOrigin.Door) -> PolicyVerdict {
        let decision = decide(principal.name, query(principal, [action], door: door))
        return PolicyVerdict(allowed: decision.outcome == .allowed, rule: decision.grant, reason: decision.reason)
    }

    // MARK: RecordVisibility

    public func scope(for principal: Principal, door: RequestOrigin.Door) -> RecordScope {
        if decide(principal.name, query(principal, [.readAll], door: door)).outcome == .allowed { return .everyone }
        if decide(principal.name, query(principal, [.read], door: door)).outcome == .allowed { return .own }
        return .none
    }

    public func owners(visibleTo principal: Principal, door: RequestOrigin.Door) -> [String] {
        switch scope(for: principal, door: door) {
        case .none: return []
        case .own: return [principal.name]
        case .everyone: return [principal.name] + principalNames.filter { $0 != principal.name }
        }
    }

    public func canResolve(_ record: ReplayRecord, principal: Principal, door: RequestOrigin.Door) -> Bool {
        guard decide(principal.name, query(principal, [.resolve], door: door)).outcome == .allowed else {
            return false
        }
        return record.principal == principal.name || scope(for: principal, door: door) == .everyone
    }
}
