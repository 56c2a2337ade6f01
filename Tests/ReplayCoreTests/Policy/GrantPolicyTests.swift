import ReplayCore
import Strait
import Testing

/// Matching of `[[grants]]` without I/O: deny by default, actions, groups, every scope, the time window on an
/// injected clock, first match wins, and denials that name the rule to change.
@Suite struct GrantPolicyTests {
    static let principals = [
        PrincipalConfig(name: "alice", unixUIDs: [1000], groups: ["oncall"]),
        PrincipalConfig(name: "bob", unixUIDs: [1001]),
        PrincipalConfig(name: "ci", unixUIDs: [998], groups: ["bots"]),
    ]

    static func policy(_ grants: [GrantConfig], clock: ManualReplayClock = ManualReplayClock()) -> GrantPolicy {
        GrantPolicy(grants: grants, principals: principals, runs: nil, clock: clock)
    }

    static func query(
        _ actions: [PolicyAction],
        door: RequestOrigin.Door = .socket,
        source: String? = nil,
        channel: String? = nil,
        run: RunFacts? = nil,
        now: Int64 = 1_777_636_800_000
    ) -> PolicyQuery {
        PolicyQuery(actions: actions, door: door, source: source, channel: channel, run: run, now: now)
    }

    @Test func withoutGrantsEveryActionIsDenied() {
        let policy = Self.policy([])
        for action in PolicyAction.allCases {
            let decision = policy.decide("alice", Self.query([action]))
            #expect(decision.outcome == .denied)
            #expect(decision.deniedAction == action)
            #expect(decision.reason == "no grant gives alice `\(action.rawValue)`")
        }
    }

    @Test func aGrantAllowsOnlyItsActionsToItsPrincipalsAndGroups() {
        let policy = Self.policy([
            GrantConfig(name: "oncall", to: ["group:oncall"], allow: [.replay, .read]),
            GrantConfig(name: "bob-read", to: ["bob"], allow: [.read]),
        ])
        #expect(policy.decide("alice", Self.query([.replay])).grant == "oncall")
        #expect(policy.decide("alice", Self.query([.force])).outcome == .denied)
        #expect(policy.decide("bob", Self.query([.read])).grant == "bob-read")
        #expect(policy.decide("bob", Self.query([.replay])).reason == "no grant gives bob `replay`")
        #expect(policy.decide("ci", Self.query([.read])).outcome == .denied)
        #expect(policy.decide("nobody", Self.query([.read])).outcome == .denied)
    }

    @Test func everyActionOfARequestMustBeAllowedAndTheFirstMatchWins() {
        let policy = Self.policy([
            GrantConfig(name: "first", to: ["alice"], allow: [.replay]),
            GrantConfig(name: "second", to: ["alice"], allow: [.replay, .force]),
        ])
        let decision = policy.decide("alice", Self.query([.replay, .force]))
        #expect(decision.outcome == .allowed)
        #expect(decision.matches.map(\.grant) == ["first", "second"])
        #expect(decision.grant == "first+second")
        #expect(decision.reason == "allowed by first (replay), second (force)")
        #expect(decision.evaluations.isEmpty)
        let bulk = policy.decide("alice", Self.query([.replay, .bulk]))
        #expect(bulk.outcome == .denied)
        #expect(bulk.deniedAction == .bulk)
        #expect(bulk.reason == "no grant gives alice `bulk`")
    }

    @Test func doorSourceAndChannelScopes() {
        let policy = Self.policy([
            GrantConfig(
                name: "slack-incidents",
                to: ["alice"],
                allow: [.replay],
                doors: [.slack],
                sources: ["slack-prod"],
                channels: ["C0INCIDENT"]
            )
        ])
        let allowed = Self.query([.replay], door: .slack, source: "slack-prod", channel: "C0INCIDENT")
        #expect(policy.decide("alice", allowed).grant == "slack-incidents")
        #expect(
            policy.decide("alice", Self.query([.replay])).reason == "no grant gives alice `replay` through door socket"
        )
        #expect(
            policy.decide("alice", Self.query([.replay], door: .slack, source: "other", channel: "C0INCIDENT"))
                .reason == "no grant gives alice `replay` from source other"
        )
        #expect(
            policy.decide("alice", Self.query([.replay], door: .slack, source: "slack-prod", channel: "C0RANDOM"))
                .reason == "no grant gives alice `replay` in channel C0RANDOM"
        )
    }

    @Test func projectAndJobScopesAskForTheRunThenMatchIt() {
        let policy = Self.policy([
            GrantConfig(name: "payments", to: ["alice"], allow: [.replay], projects: ["proj_payments"]),
            GrantConfig(name: "nightly", to: ["alice"], allow: [.replay], jobs: ["job_nightly"]),
        ])
        #expect(policy.decide("alice", Self.query([.replay])).outcome == .needsRun)
        let payments = RunFacts(projectID: "proj_payments", jobID: "job_charge")
        #expect(policy.decide("alice", Self.query([.replay], run: payments)).grant == "payments")
        let nightly = RunFacts(projectID: "proj_other", jobID: "job_nightly")
        #expect(policy.decide("alice", Self.query([.replay], run: nightly)).grant == "nightly")
        let other = RunFacts(projectID: "proj_other", jobID: "job_x")
        let denied = policy.decide("alice", Self.query([.replay], run: other), explain: true)
        #expect(denied.outcome == .denied)
        #expect(denied.reason == "no grant gives alice `replay` on project proj_other for job job_x")
        #expect(
            denied.evaluations.map(\.mismatch) == [PolicyDecision.Mismatch.project, .job]
        )
    }

    @Test func anUnscopedGrantBeforeAScopedOneNeedsNoLookup() {
        let policy = Self.policy([
            GrantConfig(name: "anything", to: ["alice"], allow: [.replay]),
            GrantConfig(name: "payments", to: ["alice"], allow: [.replay], projects: ["proj_payments"]),
        ])
        #expect(policy.decide("alice", Self.query([.replay])).grant == "anything")
    }

    @Test func aProjectScopedGrantNeverAllowsReading() {
        let policy = Self.policy([
            GrantConfig(name: "payments", to: ["alice"], allow: [.replay, .read], projects: ["proj_payments"]),
            GrantConfig(name: "reader", to: ["alice"], allow: [.read]),
        ])
        #expect(policy.decide("alice", Self.query([.read])).grant == "reader")
    }

    @Test func theTimeWindowFollowsTheClock() throws {
        // The rota: from 2026-05-01T12:00:00Z (the clock's start) for one hour.
        let start: Int64 = 1_777_636_800_000
        let rota = GrantConfig(
            name: "rota",
            to: ["group:oncall"],
            allow: [.replay],
            notBefore: start + 60_000,
            notAfter: start + 3_660_000
        )
        let clock = ManualReplayClock()
        let policy = Self.policy([rota], clock: clock)
        let principal = Principal(
            name: "alice",
            authentication: .unixPeer(PeerCredentials(uid: 1000, gid: 1000, pid: 1), matchedBy: "test")
        )
        let request = ReplayRequest(runID: try RunID("run_1"), origin: RequestOrigin(door: .socket, requestID: "r"))
        #expect(policy.decide("alice", policy.query(for: principal, request)).reason.hasPrefix("no grant gives alice"))
        clock.advance(by: .seconds(61))
        #expect(policy.decide("alice", policy.query(for: principal, request)).grant == "rota")
        clock.advance(by: .seconds(3600))
        let expired = policy.decide("alice", policy.query(for: principal, request), explain: true)
        #expect(expired.outcome == .denied)
        #expect(expired.evaluations.first?.mismatch == .expired)
        #expect(expired.reason == "no grant gives alice `replay` at 2026-05-01T13:01:01Z")
    }

    @Test func readingRecordsFollowsReadAndReadAll() {
        let policy = Self.policy([
            GrantConfig(name: "oncall", to: ["group:oncall"], allow: [.read, .readAll, .resolve]),
            GrantConfig(name: "bob", to: ["bob"], allow: [.read]),
        ])
        func principal(_ name: String) -> Principal {
            Principal(
                name: name,
                authentication: .unixPeer(PeerCredentials(uid: 1, gid: 1, pid: 1), matchedBy: "test")
            )
        }
        #expect(policy.scope(for: principal("alice"), door: .socket) == .everyone)
        #expect(policy.owners(visibleTo: principal("alice"), door: .socket) == ["alice", "bob", "ci"])
        #expect(policy.scope(for: principal("bob"), door: .socket) == .own)
        #expect(policy.owners(visibleTo: principal("bob"), door: .socket) == ["bob"])
        #expect(policy.scope(for: principal("ci"), door: .socket) == .none)
    }
}
