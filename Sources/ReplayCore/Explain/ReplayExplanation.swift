/// What a replay request would do, found without doing it: `replayctl explain` and `replay --dry-run`. Each
/// section comes from the stage that decides it in the real call (the policy's ``ReplayPolicy/decide(_:_:)``, the
/// limiter's ``ReplayLimiterPreview/peek(_:_:)``, the engine's ``ReplayEngine/preview(_:principal:logger:)``), and
/// ``verdict`` is the first refusal in the pipeline's order, or what the engine would answer.
public struct ReplayExplanation: Sendable {
    /// The principal the request is explained for (the caller, or the one named by `--as`).
    public var principal: Principal
    /// With `--as`: the caller who asked, and the `explain_as` verdict that let it.
    public var askedBy: (principal: Principal, verdict: PolicyVerdict)?
    /// The request as the door parsed it.
    public var request: ReplayRequest
    /// The policy's decision for the replay.
    public var policy: PolicyVerdict
    /// The limits that apply, as they stand (empty: no limits configured).
    public var limits: [LimitState]
    /// The idempotency, coalescing and upstream sections.
    public var preview: ReplayPreview
    /// Whether the caller may see the record a coalesced request would join (else only its key's keyed hash is
    /// shown, as in the logs).
    public var leaderVisible: Bool
    /// What the real call would answer.
    public var verdict: Verdict

    /// What the real call would answer.
    public struct Verdict: Sendable, Hashable {
        /// The HTTP status the socket door would answer (201 when a replay would be sent: Strait's answer to a
        /// run it creates).
        public var status: Int
        /// The error code, or `nil` for a success.
        public var code: String?
        /// A sentence saying what would happen.
        public var message: String
        /// Whether the call would send a replay upstream.
        public var sendsUpstream: Bool
        /// Which stage decided: `policy`, `limits`, `audit`, `breaker`, `store`, `idempotency`, `coalescing` or
        /// `upstream`.
        public var stage: String

        /// Creates a verdict.
        public init(status: Int, code: String?, message: String, sendsUpstream: Bool, stage: String) {
            self.status = status
            self.code = code
            self.message = message
            self.sendsUpstream = sendsUpstream
            self.stage = stage
        }
    }

    /// Creates an explanation; the verdict follows from the sections.
    public init(
        principal: Principal,
        askedBy: (principal: Principal, verdict: PolicyVerdict)?,
        request: ReplayRequest,
        policy: PolicyVerdict,
        limits: [LimitState],
        preview: ReplayPreview,
        leaderVisible: Bool
    ) {
        self.principal = principal
        self.askedBy = askedBy
        self.request = request
        self.policy = policy
        self.limits = limits
        self.preview = preview
        self.leaderVisible = leaderVisible
        self.verdict = Self.verdict(policy: policy, limits: limits, preview: preview)
    }

    private static func refusal(_ error: ReplayError, stage: String) -> Verdict {
        Verdict(
            status: error.code.status,
            code: error.code.rawValue,
            message: error.message,
            sendsUpstream: false,
            stage: stage
        )
    }

    /// The first refusal in the pipeline's order (policy, limits, then the engine's), or the engine's answer.
    static func verdict(policy: PolicyVerdict, limits: [LimitState], preview: ReplayPreview) -> Verdict {
        if let error = policy.error {
            return Verdict(
                status: error.code.status,
                code: error.code.rawValue,
                message: "denied by policy: \(policy.reason); nothing would be sent",
                sendsUpstream: false,
                stage: "policy"
            )
        }
        if let limit = limits.first(where: \.refuses) {
            let seconds = limit.retryAfter.map { max(1, $0.components.seconds) } ?? 1
            return Verdict(
                status: 429,
                code: "rate_limited",
                message: "limit \(limit.name) is spent (\(limit.quota) per \(limit.window)); retry after \(seconds) s; "
                    + "nothing would be sent",
                sendsUpstream: false,
                stage: "limits"
            )
        }
        let key = preview.key
        switch preview.outcome {
        case .sends:
            return Verdict(
                status: 201,
                code: nil,
                message: "a new replay: \(preview.upstream.method) \(preview.upstream.url) would be sent once; "
                    + "Strait's answer is passed through (201 with the new run when it creates one)",
                sendsUpstream: true,
                stage: "upstream"
            )
        case .followsLeader(let leader):
            return Verdict(
                status: 201,
                code: nil,
                message: "coalesced into the \(leader.state.rawValue) replay of the same run and checkpoint: nothing "
                    + "would be sent; the answer is that replay's outcome (202 outcome_pending if it is not known "
                    + "within [replays] wait)",
                sendsUpstream: false,
                stage: "coalescing"
            )
        case .answered(let submission):
            switch submission {
            case .completed(let record, let replayed):
                let status = record.responseStatus ?? 500
                let code = (200..<300).contains(status) ? nil : record.errorCode
                let message =
                    replayed
                    ? "key \(key) is done (\(record.state.rawValue)): its stored answer would be replayed "
                        + "(Idempotent-Replayed: true); nothing would be sent"
                    : "coalesced into a replay that already succeeded (run \(record.newRunID ?? "?")): its answer "
                        + "would be returned; nothing would be sent"
                return Verdict(
                    status: status,
                    code: code,
                    message: message,
                    sendsUpstream: false,
                    stage: replayed ? "idempotency" : "coalescing"
                )
            case .inProgress:
                return Verdict(
                    status: ReplayError.Code.requestInProgress.status,
                    code: ReplayError.Code.requestInProgress.rawValue,
                    message: "key \(key) is in flight (Retry-After: 1); nothing would be sent",
                    sendsUpstream: false,
                    stage: "idempotency"
                )
            case .keyReused(let record):
                return Verdict(
                    status: ReplayError.Code.idempotencyKeyReused.status,
                    code: ReplayError.Code.idempotencyKeyReused.rawValue,
                    message: "key \(key) was already used for a different request (run \(record.runID)"
                        + "\(record.fromCheckpoint.map { " from checkpoint \($0)" } ?? "")); nothing would be sent",
                    sendsUpstream: false,
                    stage: "idempotency"
                )
            case .pending(let record):
                return Verdict(
                    status: ReplayError.Code.outcomePending.status,
                    code: ReplayError.Code.outcomePending.rawValue,
                    message: "key \(key) is \(record.state.rawValue): its outcome is not known yet; nothing would "
                        + "be sent",
                    sendsUpstream: false,
                    stage: "idempotency"
                )
            case .rejected(let error):
                return refusal(error, stage: "store")
            }
        case .refused(let error, let stage):
            return refusal(error, stage: stage)
        }
    }
}
