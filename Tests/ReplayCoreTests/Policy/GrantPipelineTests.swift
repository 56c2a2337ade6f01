import Audit
import Foundation
import Logging
import ReplayCore
import Strait
import StraitSimulator
import Testing

/// Grants in the pipeline, against the real simulator: a grant scoped to a project allows a run there and denies
/// a run in another project, which is found by reading the run upstream; the lookup is cached for its TTL on a
/// fake clock (the simulator's GETs are counted), and the audit trail names the grant and the lookup.
@Suite struct GrantPipelineTests {
    static let bob = Principal(
        name: "bob",
        authentication: .unixPeer(PeerCredentials(uid: 1001, gid: 1001, pid: 2), matchedBy: "test")
    )

    static let principals = [
        PrincipalConfig(name: "alice", unixUIDs: [1000]),
        PrincipalConfig(name: "bob", unixUIDs: [1001]),
    ]

    /// A pipeline on `harness`'s engine with `grants`, its run lookup on `clock` with a one-minute TTL.
    static func pipeline(
        _ harness: EngineHarness,
        grants: [GrantConfig],
        clock: ManualReplayClock
    ) -> (ReplayPipeline, CachedRunLookup) {
        let lookup = CachedRunLookup(
            upstream: StraitClient(
                baseURL: harness.baseURL,
                apiKey: StraitAPIKey(SimulatorFixtures.demoWriteKey),
                http: harness.http
            ),
            clock: clock,
            ttl: .seconds(60)
        )
        let policy = GrantPolicy(grants: grants, principals: principals, runs: lookup, clock: clock)
        let pipeline = ReplayPipeline(
            authenticator: DirectoryPeerAuthenticator(directory: PrincipalDirectory(mappings: principals)),
            policy: policy,
            visibility: policy,
            engine: harness.engine
        )
        return (pipeline, lookup)
    }

    /// GETs of one run the simulator saw.
    static func runReads(_ harness: EngineHarness) -> Int {
        harness.simulator.requestCounts().byRoute["GET /v1/runs/{runID}"] ?? 0
    }

    /// Every audit record written so far.
    static func auditRecords(_ harness: EngineHarness) throws -> [[String: Any]] {
        let directory = harness.audit.directory
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("audit-") }
        var records: [[String: Any]] = []
        for name in names.sorted() {
            let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") {
                records.append((try JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:])
            }
        }
        return records
    }

    @Test func aProjectScopedGrantAllowsItsProjectDeniesAnotherAndCachesTheLookupForItsTTL() async throws {
        try await EngineHarness.with { harness in
            let clock = ManualReplayClock()
            let (pipeline, lookup) = Self.pipeline(
                harness,
                grants: [
                    GrantConfig(name: "demo-project", to: ["alice"], allow: [.replay], projects: ["proj_demo"]),
                    GrantConfig(name: "other-project", to: ["bob"], allow: [.replay], projects: ["proj_other"]),
                ],
                clock: clock
            )
            let logger = Logger(label: "test")
            let before = Self.runReads(harness)

            // run_failed_1 is in proj_demo: alice's grant allows it, after one read of the run.
            let first = await pipeline.execute(
                try harness.request("run_failed_1", key: "a1"),
                principal: EngineHarness.principal,
                logger: logger
            )
            #expect(first.run != nil)
            #expect(Self.runReads(harness) == before + 1)

            // Within the TTL the facts come from the cache, for alice and for bob, who is denied: his grant is
            // for proj_other, and the run was found in proj_demo.
            clock.advance(by: .seconds(59))
            let second = await pipeline.execute(
                try harness.request("run_failed_1", key: "a2"),
                principal: EngineHarness.principal,
                logger: logger
            )
            #expect(second.run != nil)
            let denied = await pipeline.execute(
                try harness.request("run_failed_1", key: "b1"),
                principal: Self.bob,
                logger: logger
            )
            guard case .rejected(let error) = denied else {
                Issue.record("bob's replay was not refused: \(denied)")
                return
            }
            #expect(error.code == .forbidden)
            #expect(error.message == "no grant gives bob `replay` on project proj_demo")
            #expect(Self.runReads(harness) == before + 1)
            #expect(lookup.count == 1)

            // After the TTL the run is read again.
            clock.advance(by: .seconds(2))
            let third = await pipeline.execute(
                try harness.request("run_failed_1", key: "a3"),
                principal: EngineHarness.principal,
                logger: logger
            )
            #expect(third.run != nil)
            #expect(Self.runReads(harness) == before + 2)

            // The audit trail names the grant and how the run was looked up, and the denial's reason.
            let records = try Self.auditRecords(harness)
            let received = records.filter { $0["stage"] as? String == "received" }
            let details = received.map { $0["details"] as? [String: Any] ?? [:] }
            #expect(details.map { $0["grant"] as? String } == ["demo-project", "demo-project", "demo-project"])
            #expect(details.map { $0["run_project"] as? String } == ["proj_demo", "proj_demo", "proj_demo"])
            #expect(details.map { $0["run_lookup"] as? String } == ["upstream", "cache", "upstream"])
            let denial = records.first { $0["stage"] as? String == "denied" }
            #expect(denial?["reason"] as? String == "forbidden: no grant gives bob `replay` on project proj_demo")
            #expect((denial?["actor"] as? [String: Any])?["principal"] as? String == "bob")
        }
    }

    @Test func aRunUnknownUpstreamIsRefusedAndNothingIsReplayed() async throws {
        try await EngineHarness.with { harness in
            let (pipeline, _) = Self.pipeline(
                harness,
                grants: [GrantConfig(name: "demo", to: ["alice"], allow: [.replay], projects: ["proj_demo"])],
                clock: ManualReplayClock()
            )
            let submission = await pipeline.execute(
                try harness.request("run_does_not_exist", key: "x"),
                principal: EngineHarness.principal,
                logger: Logger(label: "test")
            )
            guard case .rejected(let error) = submission else {
                Issue.record("not refused: \(submission)")
                return
            }
            #expect(error.code == .recordNotFound)
            #expect(harness.replayPOSTs == 0)
        }
    }

    @Test func withoutAGrantNothingIsReadAndHistoryIsEmpty() async throws {
        try await EngineHarness.with { harness in
            let (pipeline, _) = Self.pipeline(
                harness,
                grants: [GrantConfig(name: "alice", to: ["alice"], allow: [.replay, .read])],
                clock: ManualReplayClock()
            )
            let logger = Logger(label: "test")
            let done = await pipeline.execute(
                try harness.request("run_failed_1", key: "h1"),
                principal: EngineHarness.principal,
                logger: logger
            )
            #expect(done.run != nil)
            let mine = try await pipeline.history(for: EngineHarness.principal, since: 0)
            #expect(mine.map(\.key) == ["h1"])
            #expect(try await pipeline.history(for: Self.bob, since: 0).isEmpty)
            #expect(try await pipeline.record(key: "h1", for: Self.bob) == nil)
            await #expect(throws: ReplayError.self) {
                try await pipeline.authorize(
                    Self.bob,
                    action: .read,
                    origin: RequestOrigin(door: .socket, requestID: "r"),
                    logger: logger
                )
            }
        }
    }
}
