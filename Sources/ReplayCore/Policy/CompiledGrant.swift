/// A `[[grants]]` entry prepared for matching: actions as a bit set, scopes as sets, times as Unix milliseconds.
struct CompiledGrant: Sendable {
    let name: String
    let actions: ActionSet
    let projects: Set<String>?
    let jobs: Set<String>?
    let doors: Set<RequestOrigin.Door>?
    let sources: Set<String>?
    let channels: Set<String>?
    let notBefore: Int64?
    let notAfter: Int64?

    init(_ config: GrantConfig) {
        name = config.name
        actions = ActionSet(config.allow)
        projects = config.projects.map(Set.init)
        jobs = config.jobs.map(Set.init)
        doors = config.doors.map(Set.init)
        sources = config.sources.map(Set.init)
        channels = config.channels.map(Set.init)
        notBefore = config.notBefore
        notAfter = config.notAfter
    }

    /// The actions of a replay request, the only ones a run's project and job apply to.
    static let replayActions = ActionSet([.replay, .replayFromCheckpoint, .force, .bulk])

    /// Whether the grant is scoped by the run's project or job (so the run must be looked up).
    var needsRun: Bool { projects != nil || jobs != nil }

    /// Why the grant does not allow `action` for `query`, or `nil` when it does.
    func mismatch(_ action: PolicyAction, _ query: PolicyQuery) -> PolicyDecision.Mismatch? {
        mismatch(action, ActionSet([action]), query)
    }

    /// ``mismatch(_:_:)`` with the action's bit computed once by the caller, for a scan of many grants.
    func mismatch(_ action: PolicyAction, _ bit: ActionSet, _ query: PolicyQuery) -> PolicyDecision.Mismatch? {
        guard actions.intersects(bit) else { return .action }
        if let doors, !doors.contains(query.door) { return .door }
        if let sources, !(query.source.map(sources.contains) ?? false) { return .source }
        if let channels, !(query.channel.map(channels.contains) ?? false) { return .channel }
        if let notBefore, query.now < notBefore { return .notYet }
        if let notAfter, query.now > notAfter { return .expired }
        if needsRun {
            // Only a replay names a run: a grant scoped by project or job never allows reading or operating.
            guard Self.replayActions.contains(action) else { return projects != nil ? .project : .job }
            guard let run = query.run else { return .needsRun }
            if let projects, !projects.contains(run.projectID) { return .project }
            if let jobs, !jobs.contains(run.jobID) { return .job }
        }
        return nil
    }
}

/// A set of ``PolicyAction``s as bits, so that matching an action is one AND.
struct ActionSet: Sendable, Hashable {
    private var bits: UInt32 = 0

    init(_ actions: [PolicyAction]) {
        for action in actions { bits |= Self.bit(action) }
    }

    func contains(_ action: PolicyAction) -> Bool { bits & Self.bit(action) != 0 }

    /// Whether the two sets share an action.
    func intersects(_ other: ActionSet) -> Bool { bits & other.bits != 0 }

    /// One bit per action, in `allCases` order (new actions get the next bit).
    private static let bits: [PolicyAction: UInt32] = Dictionary(
        uniqueKeysWithValues: PolicyAction.allCases.enumerated().map { ($1, UInt32(1) << UInt32($0)) }
    )

    private static func bit(_ action: PolicyAction) -> UInt32 { bits[action] ?? 0 }
}
