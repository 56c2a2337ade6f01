import Synchronization
import Testing

@testable import ReplayCore

/// Webhook deliveries in the replay store: dedup with the stored answer, replies owed, the automatic-replay
/// budget and run lineage.
@Suite struct StoreDeliveriesTests {
    private let delivery = DeliveryID(source: "github", id: "123:abc")
    private let answer = DeliveryAnswer(status: 202, body: Array(#"{"status":"accepted"}"#.utf8))

    @Test func aDeliveryIsNewOnceThenAnsweredTheSameWayAfterAReopen() async throws {
        try await StoreTesting.withDirectory { directory in
            let path = StoreTesting.databasePath(in: directory)
            do {
                let store = try SQLiteReplayStore(path: path, logger: StoreTesting.logger)
                #expect(try await store.claimDelivery(delivery, at: StoreTesting.t0) == .new)
                #expect(try await store.claimDelivery(delivery, at: StoreTesting.t0 + 1) == .unanswered)
                try await store.answerDelivery(delivery, answer: answer, reply: nil)
                try store.close()
            }
            let reopened = try SQLiteReplayStore(path: path, logger: StoreTesting.logger)
            #expect(try await reopened.claimDelivery(delivery, at: StoreTesting.t0 + 2) == .answered(answer))
            let other = DeliveryID(source: "gitlab", id: delivery.id)
            #expect(try await reopened.claimDelivery(other, at: StoreTesting.t0 + 3) == .new)
        }
    }

    @Test(arguments: StoreBackend.allCases) func aReleasedClaimIsNewAgainButAnAnsweredOneIsNot(
        _ backend: StoreBackend
    ) async throws {
        try await StoreTesting.withStore(backend) { store, _ in
            #expect(try await store.claimDelivery(delivery, at: StoreTesting.t0) == .new)
            try await store.releaseDelivery(delivery)
            #expect(try await store.claimDelivery(delivery, at: StoreTesting.t0) == .new)
            try await store.answerDelivery(delivery, answer: answer, reply: nil)
            try await store.releaseDelivery(delivery)
            #expect(try await store.claimDelivery(delivery, at: StoreTesting.t0) == .answered(answer))
        }
    }

    @Test(arguments: StoreBackend.allCases) func answeringAnUnclaimedDeliveryIsNotFound(
        _ backend: StoreBackend
    ) async throws {
        try await StoreTesting.withStore(backend) { store, _ in
            let error = await #expect(throws: StoreError.self) {
                try await store.answerDelivery(delivery, answer: answer, reply: nil)
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test(arguments: StoreBackend.allCases) func repliesOwedSurviveUntilFinishedAndBlockPruning(
        _ backend: StoreBackend
    ) async throws {
        try await StoreTesting.withStore(backend) { store, _ in
            let slack = DeliveryID(source: "slack", id: "trigger-1")
            let reply = PendingReply(
                delivery: slack,
                kind: .slack,
                record: ReplayRecordID(principal: "alice", key: slack.idempotencyKey),
                runID: "run_failed_1",
                destination: "https://hooks.slack.com/commands/T1/1/secret-token",
                notAfter: StoreTesting.t0 + 1_800_000
            )
            _ = try await store.claimDelivery(slack, at: StoreTesting.t0)
            try await store.answerDelivery(slack, answer: answer, reply: reply)
            _ = try await store.claimDelivery(delivery, at: StoreTesting.t0)
            try await store.answerDelivery(delivery, answer: answer, reply: nil)
            #expect(try await store.pendingReplies(limit: 10) == [reply])

            let later = StoreTesting.t0 + StoreTesting.hour
            #expect(try await store.pruneDeliveries(receivedBefore: later) == 1, "the one without a reply owed")
            try await store.finishReply(slack)
            #expect(try await store.pendingReplies(limit: 10).isEmpty)
            #expect(try await store.pruneDeliveries(receivedBefore: later) == 1)
            #expect(try await store.claimDelivery(slack, at: later) == .new, "pruned deliveries are forgotten")
        }
    }

    @Test(arguments: StoreBackend.allCases) func theAutomaticReplayBudgetIsCountedPerOriginalRunAndSource(
        _ backend: StoreBackend
    ) async throws {
        try await StoreTesting.withStore(backend) { store, _ in
            let atMostTwo: @Sendable (Int, Int64?) -> Bool = { count, _ in count < 2 }
            #expect(try await store.reserveAutomaticReplay(source: "s", originalRunID: "r", at: 1, decide: atMostTwo))
            #expect(try await store.reserveAutomaticReplay(source: "s", originalRunID: "r", at: 2, decide: atMostTwo))
            #expect(
                !(try await store.reserveAutomaticReplay(source: "s", originalRunID: "r", at: 3, decide: atMostTwo))
            )
            #expect(try await store.reserveAutomaticReplay(source: "t", originalRunID: "r", at: 3, decide: atMostTwo))
            let seen = ManagedLastAt()
            _ = try await store.reserveAutomaticReplay(source: "s", originalRunID: "r", at: 4) { count, lastAt in
                seen.set(count, lastAt)
                return false
            }
            #expect(seen.value == (2, 2))
        }
    }

    @Test(arguments: StoreBackend.allCases) func lineageAlwaysPointsAtTheRootRun(_ backend: StoreBackend) async throws {
        try await StoreTesting.withStore(backend) { store, _ in
            #expect(try await store.originalRun(of: "a") == "a")
            try await store.recordLineage(newRunID: "b", originalRunID: "a", at: 1)
            try await store.recordLineage(newRunID: "c", originalRunID: "b", at: 2)
            #expect(try await store.originalRun(of: "b") == "a")
            #expect(try await store.originalRun(of: "c") == "a")
            try await store.recordLineage(newRunID: "c", originalRunID: "zzz", at: 3)
            #expect(try await store.originalRun(of: "c") == "a", "the first lineage recorded for a run stays")
        }
    }
}

/// What a `decide` closure saw.
private final class ManagedLastAt: Sendable {
    private let seen = Mutex<(Int, Int64?)>((-1, nil))
    func set(_ count: Int, _ lastAt: Int64?) { seen.withLock { $0 = (count, lastAt) } }
    var value: (Int, Int64?) { seen.withLock { $0 } }
}
