import ReplayCore
import Strait

/// The JSON of an explanation (`POST /v1/runs/{id}/replay?dry_run=true`): what `replayctl explain` prints.
struct ReplayExplanationView: Encodable, Sendable {
    struct PrincipalView: Encodable, Sendable {
        var name: String
        var authenticated: String
        var askedBy: String?
        var explainAs: PolicyView?

        enum CodingKeys: String, CodingKey {
            case name, authenticated
            case askedBy = "asked_by"
            case explainAs = "explain_as"
        }
    }

    struct RequestView: Encodable, Sendable {
        var runID: String
        var fromCheckpoint: Int64?
        var force: Bool
        var door: String
        var requestID: String

        enum CodingKeys: String, CodingKey {
            case runID = "run_id"
            case fromCheckpoint = "from_checkpoint"
            case force, door
            case requestID = "request_id"
        }
    }

    struct PolicyView: Encodable, Sendable {
        var allowed: Bool
        var grant: String?
        var reason: String
    }

    struct LimitView: Encodable, Sendable {
        var name: String
        var quota: Int
        var windowSeconds: Double
        var remaining: Int
        var retryAfterSeconds: Int64?

        enum CodingKeys: String, CodingKey {
            case name, quota, remaining
            case windowSeconds = "window_seconds"
            case retryAfterSeconds = "retry_after_seconds"
        }
    }

    struct IdempotencyView: Encodable, Sendable {
        var key: String
        var keySource: String
        var generated: Bool
        /// `new`, `in_flight`, `done`, `indeterminate` or `key_reused`.
        var record: String
        var state: String?
        var newRunID: String?
        var storedRunID: String?
        var storedFromCheckpoint: Int64?

        enum CodingKeys: String, CodingKey {
            case key, generated, record, state
            case keySource = "key_source"
            case newRunID = "new_run_id"
            case storedRunID = "stored_run_id"
            case storedFromCheckpoint = "stored_from_checkpoint"
        }
    }

    struct CoalescingView: Encodable, Sendable {
        var windowSeconds: Double
        var force: Bool
        var wouldCoalesce: Bool
        var intoKey: String?
        var intoKeyHMAC: String?
        var intoState: String?
        var intoNewRunID: String?
        var reason: String

        enum CodingKeys: String, CodingKey {
            case force, reason
            case windowSeconds = "window_seconds"
            case wouldCoalesce = "would_coalesce"
            case intoKey = "into_key"
            case intoKeyHMAC = "into_key_hmac"
            case intoState = "into_state"
            case intoNewRunID = "into_new_run_id"
        }
    }

    struct HeaderView: Encodable, Sendable {
        var name: String
        var value: String
    }

    struct UpstreamView: Encodable, Sendable {
        var wouldSend: Bool
        var method: String
        var url: String
        var headers: [HeaderView]
        var requestIDShape: String
        var body: String?
        var timeoutSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case method, url, headers, body
            case wouldSend = "would_send"
            case requestIDShape = "x_request_id_shape"
            case timeoutSeconds = "timeout_seconds"
        }
    }

    struct VerdictView: Encodable, Sendable {
        var status: Int
        var code: String?
        var stage: String
        var sendsUpstream: Bool
        var message: String

        enum CodingKeys: String, CodingKey {
            case status, code, stage, message
            case sendsUpstream = "sends_upstream"
        }
    }

    var dryRun = true
    var principal: PrincipalView
    var request: RequestView
    var policy: PolicyView
    var limits: [LimitView]
    var idempotency: IdempotencyView
    var coalescing: CoalescingView
    var upstream: UpstreamView
    var verdict: VerdictView

    enum CodingKeys: String, CodingKey {
        case principal, request, policy, limits, idempotency, coalescing, upstream, verdict
        case dryRun = "dry_run"
    }

    init(_ explanation: ReplayExplanation, hashKey: (String) -> String) {
        let preview = explanation.preview
        principal = PrincipalView(
            name: explanation.principal.name,
            authenticated: explanation.askedBy.map {
                "not authenticated: explained as \(explanation.principal.name) at the request of \($0.principal.name)"
            } ?? "\(explanation.principal.authentication)",
            askedBy: explanation.askedBy.map { "\($0.principal)" },
            explainAs: explanation.askedBy.map {
                PolicyView(allowed: $0.verdict.allowed, grant: $0.verdict.rule, reason: $0.verdict.reason)
            }
        )
        let request = explanation.request
        self.request = RequestView(
            runID: request.runID.rawValue,
            fromCheckpoint: request.fromCheckpoint?.value,
            force: request.force,
            door: request.origin.door.rawValue,
            requestID: request.origin.requestID
        )
        policy = PolicyView(
            allowed: explanation.policy.allowed,
            grant: explanation.policy.rule,
            reason: explanation.policy.reason
        )
        limits = explanation.limits.map { limit in
            LimitView(
                name: limit.name,
                quota: limit.quota,
                windowSeconds: Self.seconds(limit.window),
                remaining: limit.remaining,
                retryAfterSeconds: limit.retryAfter.map { max(1, $0.components.seconds) }
            )
        }
        idempotency = Self.idempotency(preview)
        coalescing = Self.coalescing(preview, leaderVisible: explanation.leaderVisible, hashKey: hashKey)
        upstream = UpstreamView(
            wouldSend: explanation.verdict.sendsUpstream,
            method: preview.upstream.method,
            url: preview.upstream.url,
            headers: preview.upstream.headers.map { HeaderView(name: $0.name, value: $0.value) },
            requestIDShape: "\(request.origin.requestID)-N (N = attempt number, 1 first)",
            body: preview.upstream.body,
            timeoutSeconds: preview.upstream.timeout.map(Self.seconds)
        )
        let verdict = explanation.verdict
        self.verdict = VerdictView(
            status: verdict.status,
            code: verdict.code,
            stage: verdict.stage,
            sendsUpstream: verdict.sendsUpstream,
            message: verdict.message
        )
    }

    private static func idempotency(_ preview: ReplayPreview) -> IdempotencyView {
        var view = IdempotencyView(
            key: preview.keyIsGenerated ? "rk_… (generated: a new random key for each call)" : preview.key,
            keySource: preview.keySource.rawValue,
            generated: preview.keyIsGenerated,
            record: "new"
        )
        switch preview.claim {
        case .create, .coalesce:
            break
        case .existing(let existing):
            view.state = existing.state.rawValue
            view.newRunID = existing.newRunID
            if existing.state.isFinal {
                view.record = "done"
            } else if existing.state == .indeterminate {
                view.record = "indeterminate"
            } else {
                view.record = "in_flight"
            }
        case .fingerprintMismatch(let existing):
            view.record = "key_reused"
            view.state = existing.state.rawValue
            view.storedRunID = existing.runID
            view.storedFromCheckpoint = existing.fromCheckpoint
        }
        return view
    }

    private static func coalescing(
        _ preview: ReplayPreview,
        leaderVisible: Bool,
        hashKey: (String) -> String
    ) -> CoalescingView {
        var view = CoalescingView(
            windowSeconds: seconds(preview.coalesceWindow),
            force: preview.force,
            wouldCoalesce: false,
            reason: ""
        )
        switch preview.claim {
        case .coalesce(let leader):
            view.wouldCoalesce = true
            if leaderVisible { view.intoKey = leader.key } else { view.intoKeyHMAC = hashKey(leader.key) }
            view.intoState = leader.state.rawValue
            view.intoNewRunID = leader.newRunID
            view.reason = "a replay of the same run and checkpoint was made inside [replays] coalesce_window"
        case .existing, .fingerprintMismatch:
            view.reason = "the key already has a record: the answer comes from it"
        case .create:
            if preview.coalesceWindow == .zero {
                view.reason = "coalescing is off ([replays] coalesce_window = 0)"
            } else if preview.force {
                view.reason = "force bypasses coalescing"
            } else {
                view.reason = "no replay of the same run and checkpoint inside [replays] coalesce_window"
            }
        }
        return view
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
