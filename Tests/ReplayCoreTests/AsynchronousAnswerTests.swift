import Logging
import Testing

@testable import ReplayCore

/// An asynchronous submission (`wait: .zero`: the webhook doors, `Prefer: respond-async`) is answered from the
/// record its claim made durable, without reading the record back from the store; its driver then finishes the
/// replay, once.
@Suite struct AsynchronousAnswerTests {
    @Test func anAsynchronousSubmissionIsAnsweredFromTheClaimWithoutAReadBack() async throws {
        try await EngineHarness.with(runsDrivers: false) { harness in
            let store = ReadCountingReplayStore(harness.auditedStore)
            let engine = harness.restartedEngine(store: store)
            let request = try harness.request("run_failed_1", key: "async-1")

            // No driver runs yet (the registry only queues it), so the answer can only be the claim's record.
            let answer = await engine.submit(
                request,
                principal: EngineHarness.principal,
                logger: Logger(label: "t"),
                wait: .zero
            )
            guard case .pending(let accepted) = answer else {
                Issue.record("expected a pending answer, got \(answer)")
                return
            }
            #expect(accepted.id == ReplayRecordID(principal: EngineHarness.principal.name, key: "async-1"))
            #expect(accepted.state == .inFlight, "the claim records attempt 1: \(accepted.state)")
            #expect(accepted.attempts.count == 1)
            #expect(store.recordReads == 0, "the answer read the record back")
            #expect(harness.runsCreated(for: "run_failed_1") == 0)

            // Its driver then sends the recorded attempt: one run, and the record is final.
            let final = try await EngineHarness.withDrivers(of: engine) {
                try await harness.finalRecord(accepted.id)
            }
            #expect(final?.state == .succeeded)
            #expect(final?.newRunID != nil)
            #expect(harness.runsCreated(for: "run_failed_1") == 1)
        }
    }
}
