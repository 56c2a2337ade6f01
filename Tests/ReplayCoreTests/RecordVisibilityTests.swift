import Foundation
import Logging
import ReplayCore
import Testing

/// Who sees which replay record is decided once, in the pipeline, through its `RecordVisibility`: the owner sees
/// and resolves its records, another principal gets the same 404 `not_found` as for a key that does not exist,
/// and replacing the seam changes the answer for every door at once.
@Suite struct RecordVisibilityTests {
    private static let bob = Principal(
        name: "bob",
        authentication: .unixPeer(PeerCredentials(uid: 1001, gid: 1001, pid: 2), matchedBy: "test")
    )

    /// Bob may see Alice's records (a stand-in for a later grant) but not resolve them.
    private struct SharedReadingVisibility: RecordVisibility {
        func scope(for principal: Principal, door: RequestOrigin.Door) -> RecordScope {
            principal.name == "bob" ? .everyone : .own
        }

        func owners(visibleTo principal: Principal, door: RequestOrigin.Door) -> [String] {
            principal.name == "bob" ? ["bob", "alice"] : [principal.name]
        }

        func canResolve(_ record: ReplayRecord, principal: Principal, door: RequestOrigin.Door) -> Bool {
            record.principal == principal.name
        }
    }

    private static func pipeline(
        _ harness: EngineHarness,
        visibility: any RecordVisibility = OwnerOnlyVisibility()
    ) -> ReplayPipeline {
        ReplayPipeline(
            authenticator: DirectoryPeerAuthenticator(directory: PrincipalDirectory(mappings: [])),
            visibility: visibility,
            engine: harness.engine
        )
    }

    /// Stores an unfinished record of Alice's with `key`, as if its driver were still at work.
    private static func unfinished(_ harness: EngineHarness, key: String) async throws -> ReplayRecord {
        let record = ReplayRecord(
            principal: EngineHarness.principal.name,
            key: key,
            keySource: .client,
            fingerprint: IdempotencyKey.fingerprint(action: "replay", runID: "run_failed_2", fromCheckpoint: nil),
            runID: "run_failed_2",
            fromCheckpoint: nil,
            force: false,
            door: "socket",
            requestID: "rq_\(key)",
            createdAt: harness.clock.wallNowMilliseconds()
        )
        _ = try await harness.store.claim(record, coalesceSince: nil)
        return record
    }

    private static func resolveError(
        _ pipeline: ReplayPipeline,
        key: String,
        by principal: Principal
    ) async -> ReplayError? {
        do {
            _ = try await pipeline.resolve(key: key, action: .markFailed(reason: "test"), by: principal)
            return nil
        } catch {
            return error
        }
    }

    @Test func theOwnerSeesItsRecordsAndAnotherPrincipalGetsNotFound() async throws {
        try await EngineHarness.with { harness in
            let pipeline = Self.pipeline(harness)
            let done = await pipeline.execute(
                try harness.request("run_failed_1", key: "mine"),
                principal: EngineHarness.principal,
                logger: Logger(label: "test")
            )
            #expect(done.run != nil)
            _ = try await Self.unfinished(harness, key: "open")

            #expect(try await pipeline.record(key: "mine", for: EngineHarness.principal)?.state == .succeeded)
            #expect(try await pipeline.record(key: "mine", for: Self.bob) == nil)
            #expect(try await pipeline.unfinishedRecords(for: EngineHarness.principal).map(\.key) == ["open"])
            #expect(try await pipeline.unfinishedRecords(for: Self.bob).isEmpty)

            // Bob cannot resolve Alice's record, and learns nothing: the answer is that of an unknown key (404).
            let denied = await Self.resolveError(pipeline, key: "open", by: Self.bob)
            let unknown = await Self.resolveError(pipeline, key: "no-such-key", by: Self.bob)
            #expect(denied?.code == .recordNotFound)
            #expect(denied?.code.status == 404)
            #expect(denied?.message == "no replay with key open")
            #expect(unknown?.code == .recordNotFound)
            #expect(try await pipeline.record(key: "open", for: EngineHarness.principal)?.state == .pending)

            let resolved = try await pipeline.resolve(
                key: "open",
                action: .markFailed(reason: "not needed"),
                by: EngineHarness.principal
            )
            #expect(resolved.state == .failed)
        }
    }

    @Test func replacingTheSeamChangesWhatEveryCallerSees() async throws {
        try await EngineHarness.with { harness in
            let pipeline = Self.pipeline(harness, visibility: SharedReadingVisibility())
            _ = try await Self.unfinished(harness, key: "shared")

            #expect(try await pipeline.record(key: "shared", for: Self.bob)?.principal == "alice")
            #expect(try await pipeline.unfinishedRecords(for: Self.bob).map(\.key) == ["shared"])
            // Seeing is not resolving.
            #expect(await Self.resolveError(pipeline, key: "shared", by: Self.bob)?.code == .recordNotFound)
            #expect(try await pipeline.record(key: "shared", for: Self.bob)?.state == .pending)
        }
    }
}
