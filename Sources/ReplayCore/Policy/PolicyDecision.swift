/// What the policy decided for one principal and query, and why: which grant allowed each action, or which
/// action no grant allows and the facts that would have to change. Made without side effects, so that
/// `replayctl explain` can print it; ``reason`` is what a denied caller is told.
public struct PolicyDecision: Sendable, Hashable {
    /// Allowed, denied, or undecided until the run's project and job are known.
    public enum Outcome: String, Sendable, Hashable {
        /// Every action is allowed; ``matches`` names the grants.
        case allowed
        /// ``deniedAction`` is allowed by no grant.
        case denied
        /// A grant scoped by `projects` or `jobs` might match: look the run up and decide again.
        case needsRun = "needs_run"
    }

    /// Why one grant of the principal did not match (for `explain`; never shown to another principal).
    public enum Mismatch: String, Sendable, Hashable {
        /// The grant does not allow the action.
        case action
        /// The request came through a door the grant does not list.
        case door
        /// The request came from a source the grant does not list (or from no source).
        case source
        /// The request came from a channel the grant does not list (or from no channel).
        case channel
        /// The run is in a project the grant does not list.
        case project
        /// The run is of a job the grant does not list.
        case job
        /// Before the grant's `not_before`.
        case notYet = "not_yet"
        /// After the grant's `not_after`.
        case expired
        /// The grant is scoped by project or job, and the run has not been looked up yet.
        case needsRun = "needs_run"
    }

    /// One grant that was considered for an action.
    public struct Evaluation: Sendable, Hashable {
        /// The action.
        public var action: PolicyAction
        /// The grant's name.
        public var grant: String
        /// Why it did not match; `nil` when it matched.
        public var mismatch: Mismatch?
    }

    /// The principal's name.
    public var principal: String
    /// The facts.
    public var query: PolicyQuery
    /// The outcome.
    public var outcome: Outcome
    /// One action and the grant that allowed it.
    public struct Match: Sendable, Hashable {
        /// The action.
        public var action: PolicyAction
        /// The grant's name.
        public var grant: String
    }

    /// For each action of the query that was allowed, the grant that allowed it (first match wins), in order.
    public var matches: [Match]
    /// The first action no grant allows, when denied.
    public var deniedAction: PolicyAction?
    /// Every grant considered, in order, with why it did not match (only when decided with `explain: true`).
    public var evaluations: [Evaluation]
    /// Why it was denied or is undecided; `nil` when allowed.
    public var denial: String?

    /// The sentence a denied caller is told (`no grant gives alice `replay` on project proj_payments`), or which
    /// grants allowed the request. Built on demand, so that an allowed request costs no string formatting.
    public var reason: String {
        denial ?? "allowed by " + matches.map { "\($0.grant) (\($0.action.rawValue))" }.joined(separator: ", ")
    }

    /// Creates a decision.
    public init(
        principal: String,
        query: PolicyQuery,
        outcome: Outcome,
        matches: [Match] = [],
        deniedAction: PolicyAction? = nil,
        evaluations: [Evaluation] = [],
        denial: String? = nil
    ) {
        self.principal = principal
        self.query = query
        self.outcome = outcome
        self.deniedAction = deniedAction
        self.evaluations = evaluations
        self.denial = denial
        self.matches = matches
    }

    /// The names of the grants that allowed the request, without repeats, joined with `+` (what the audit record
    /// names); `nil` unless allowed.
    public var grant: String? {
        guard outcome == .allowed else { return nil }
        var seen: [String] = []
        for name in matches.map(\.grant) where !seen.contains(name) { seen.append(name) }
        return seen.joined(separator: "+")
    }
}
