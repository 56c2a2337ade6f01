import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import ReplayCore

/// `ReplayStorePruner`, on `ManualReplayClock`: no real waiting.
@Suite struct StorePrunerTests {
    typealias T = StoreTesting

    /// A store that reports each `prune` call (cutoff and result) on a stream, and can be told to fail.
    private final class ObservedStore: ReplayStoreForwarding {
        struct Pass: Sendable, Equatable {
            var cutoff: Int64
            var deleted: Int?
        }

        let base: any ReplayStore
        let passes: AsyncStream<Pass>
        private let continuation: AsyncStream<Pass>.Continuation
        private let failing: Bool

        init(_ base: SQLiteReplayStore, failing: Bool = false) {
            self.base = base
            self.failing = failing
            (passes, continuation) = AsyncStream.makeStream(of: Pass.self)
        }

        func prune(updatedBefore cutoff: Int64) async throws(StoreError) -> Int {
            if failing {
                continuation.yield(Pass(cutoff: cutoff, deleted: nil))
                throw StoreError(.io, "the disk is full")
            }
            let deleted = try await base.prune(updatedBefore: cutoff)
            continuation.yield(Pass(cutoff: cutoff, deleted: deleted))
            return deleted
        }
    }

    /// Stores a record of `key` in `state`, last changed at `updatedAt`.
    private static func seed(
        _ store: SQLiteReplayStore,
        _ key: String,
        _ state: ReplayState,
        updatedAt: Int64
    )
        async throws
    {
        let record = try await T.create(T.record(key: key, createdAt: updatedAt), in: store)
        _ = try await store.recordAttempt(record.id, requestID: "att-\(key)", at: updatedAt)
        try await store.update(record.id, at: updatedAt, RecordChange(state: state))
    }

    @Test func prunesAtStartThenEveryIntervalWithADayOfRetention() async throws {
        try await T.withStore { sqlite, _ in
            try await Self.seed(sqlite, "day-old", .succeeded, updatedAt: T.t0 - 25 * T.hour)
            try await Self.seed(sqlite, "fresh", .failed, updatedAt: T.t0)
            try await Self.seed(sqlite, "stuck", .reconciling, updatedAt: T.t0 - 48 * T.hour)
            let store = ObservedStore(sqlite)
            let clock = ManualReplayClock(wallStartMilliseconds: T.t0, autoAdvance: true)
            let pruner = ReplayStorePruner(store: store, clock: clock, interval: .seconds(3_600), logger: T.logger)

            let passes = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await pruner.run() }
                var passes: [ObservedStore.Pass] = []
                for await pass in store.passes {
                    passes.append(pass)
                    if passes.count == 27 { break }
                }
                group.cancelAll()
                try await group.waitForAll()
                return passes
            }

            // Pass k runs at t0 + k hours and deletes what changed more than 24 hours before.
            #expect(passes.map(\.cutoff) == (0..<27).map { T.t0 + (Int64($0) - 24) * T.hour })
            var deletions: [Int: Int] = [:]
            for (index, pass) in passes.enumerated() where pass.deleted != 0 {
                deletions[index] = pass.deleted
            }
            #expect(deletions == [0: 1, 25: 1])  // "fresh" survives the pass at exactly 24 hours
            #expect(try await sqlite.record(forAttemptRequestID: "att-day-old") == nil)
            #expect(try await sqlite.record(forAttemptRequestID: "att-fresh") == nil)
            #expect(try await sqlite.record(forAttemptRequestID: "att-stuck")?.state == .reconciling)
            #expect(clock.requestedSleeps.prefix(26).allSatisfy { $0 == .seconds(3_600) })
        }
    }

    @Test func waitsOnTheClockBetweenPasses() async throws {
        try await T.withStore { sqlite, _ in
            try await Self.seed(sqlite, "old", .succeeded, updatedAt: T.t0 - 2 * T.hour)
            let store = ObservedStore(sqlite)
            let clock = ManualReplayClock(wallStartMilliseconds: T.t0)
            let pruner = ReplayStorePruner(
                store: store,
                clock: clock,
                interval: .seconds(60),
                retention: .seconds(3_600),
                logger: T.logger
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await pruner.run() }
                var passes = store.passes.makeAsyncIterator()
                #expect(await passes.next() == .init(cutoff: T.t0 - T.hour, deleted: 1))
                // Nothing happens until the clock moves a whole interval.
                await Self.waitForSleeper(clock)
                clock.advance(by: .seconds(59))
                #expect(clock.sleeperCount == 1)
                clock.advance(by: .seconds(1))
                #expect(await passes.next() == .init(cutoff: T.t0 + 60_000 - T.hour, deleted: 0))
                group.cancelAll()
                try await group.waitForAll()
            }
        }
    }

    @Test func failedPassIsLoggedAndRetriedNextInterval() async throws {
        try await T.withStore { sqlite, _ in
            let store = ObservedStore(sqlite, failing: true)
            let clock = ManualReplayClock(wallStartMilliseconds: T.t0, autoAdvance: true)
            let pruner = ReplayStorePruner(store: store, clock: clock, interval: .seconds(600), logger: T.logger)
            await #expect(throws: StoreError(.io, "the disk is full")) { try await pruner.pruneOnce() }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await pruner.run() }
                var count = 0
                for await pass in store.passes {
                    #expect(pass.deleted == nil)
                    count += 1
                    if count == 4 { break }
                }
                group.cancelAll()
                try await group.waitForAll()
            }
        }
    }

    @Test func stopsOnGracefulShutdown() async throws {
        try await T.withStore { sqlite, _ in
            let store = ObservedStore(sqlite)
            let clock = ManualReplayClock(wallStartMilliseconds: T.t0)
            let pruner = ReplayStorePruner(store: store, clock: clock, logger: T.logger)
            let group = ServiceGroup(services: [pruner], logger: T.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var passes = store.passes.makeAsyncIterator()
                #expect(await passes.next()?.deleted == 0)
                await Self.waitForSleeper(clock)
                await group.triggerGracefulShutdown()
                // `run()` returns (without time moving) once the pruner has stopped.
                try await tasks.waitForAll()
            }
            #expect(clock.requestedSleeps == [ReplayStorePruner.defaultInterval])
        }
    }

    /// Yields until the pruner is asleep on `clock` (it prunes, then sleeps; no wall-clock waiting).
    private static func waitForSleeper(
        _ clock: ManualReplayClock,
        sourceLocation: SourceLocation = #_sourceLocation
    )
        async
    {
        var spins = 0
        while clock.sleeperCount == 0 && spins < 10_000_000 {
            spins += 1
            await Task.yield()
        }
        #expect(clock.sleeperCount == 1, "the pruner never went to sleep", sourceLocation: sourceLocation)
    }
}
