import Audit
import Crypto
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Writing: durability, the chain, group commit, checkpoints, a full disk, a directory that cannot be opened, and
/// shutting down.
@Suite struct AuditLogWriteTests {
    @Test func concurrentRecordsAreDurableChainedAndGroupCommitted() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            // Batches are taken only when full (the wait is far longer than the test), so the count is exact.
            configuration.groupCommitWait = .seconds(60)
            configuration.groupCommitMaxRecords = 50
            let log = fixture.open(configuration)
            #expect(log.status.writable)
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        do {
                            try await log.record(AuditLogFixture.record(index))
                        } catch {
                            Issue.record("record \(index): \(error)")
                        }
                    }
                }
            }
            let statistics = log.statistics
            #expect(log.status.head.seq == 200)
            await log.close()

            #expect(try fixture.segments() == [AuditFiles.segmentName(firstSeq: 1)])
            let lines = try fixture.lines(AuditFiles.segmentName(firstSeq: 1))
            #expect(lines.count == 200)
            try AuditLogFixture.expectChained(lines)
            let ids = Set(try lines.map { try AuditJSONParser.parse($0)["request_id"]?.stringValue ?? "" })
            #expect(ids == Set((0..<200).map { "req-\($0)" }))
            #expect(statistics.records == 200)
            #expect(statistics.batches == 4)
            #expect(statistics.segmentSyncs == 4, "one fdatasync per group commit, not per record")
            #expect(statistics.largestBatch == 50)
            #expect(try fixture.mode(AuditFiles.segmentName(firstSeq: 1)) == 0o640)
            #expect(try fixture.mode("") == 0o750, "the directory")
        }
    }

    @Test func anAppendedRecordIsWrittenFirstAndDurableOnceALaterRecordIs() async throws {
        try await AuditLogFixture.with { fixture in
            // Batches are taken only when full: the appended record waits for the recorded one to join it.
            var configuration = fixture.configuration()
            configuration.groupCommitWait = .seconds(60)
            configuration.groupCommitMaxRecords = 2
            let log = fixture.open(configuration)
            let receipt = log.append(AuditLogFixture.record(0))
            #expect(receipt.outcome == nil, "not durable while its batch waits")
            try await log.record(AuditLogFixture.record(1))
            guard case .success = receipt.outcome else {
                Issue.record(
                    "the appended record is not settled once a later record is durable: \(String(describing: receipt.outcome))"
                )
                return
            }
            try await receipt.durable()
            await log.close()
            let ids = try fixture.records(AuditFiles.segmentName(firstSeq: 1)).compactMap {
                $0["request_id"]?.stringValue
            }
            #expect(ids == ["req-0", "req-1"])
        }
    }

    @Test func aRecordAppendedToAClosedLogFailsItsReceipt() async throws {
        try await AuditLogFixture.with { fixture in
            let log = fixture.open()
            await log.close()
            let receipt = log.append(AuditLogFixture.record(0))
            let error = await #expect(throws: AuditError.self) { try await receipt.durable() }
            #expect(error?.code == .closed)
        }
    }

    @Test func reopeningContinuesTheChainInTheSameSegment() async throws {
        try await AuditLogFixture.with { fixture in
            let first = fixture.open()
            for index in 0..<3 { try await first.record(AuditLogFixture.record(index)) }
            await first.close()
            let second = fixture.open()
            #expect(second.status.head.seq == 3)
            for index in 3..<5 { try await second.record(AuditLogFixture.record(index)) }
            await second.close()

            #expect(try fixture.segments().count == 1)
            let lines = try fixture.lines(AuditFiles.segmentName(firstSeq: 1))
            #expect(lines.count == 5)
            try AuditLogFixture.expectChained(lines)
            #expect(try fixture.checkpoints().map(\.size) == [3, 5], "a final checkpoint at each close")
        }
    }

    @Test func checkpointsEveryNRecordsVerifyAndMatchTheHead() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.checkpointEveryRecords = 10
            let log = fixture.open(configuration)
            for index in 0..<25 { try await log.record(AuditLogFixture.record(index)) }
            try await log.checkpointNow()
            #expect(log.status.checkpointSize == 25)
            await log.close()

            let records = try fixture.records(AuditFiles.segmentName(firstSeq: 1))
            let checkpoints = try fixture.checkpoints()
            #expect(checkpoints.map(\.size) == [10, 20, 25], "none at close: the head was signed already")
            for checkpoint in checkpoints {
                #expect(checkpoint.isSigned(by: AuditLogFixture.signer.publicKey))
                #expect(checkpoint.origin == "test/replayd")
                #expect(checkpoint.keyID == AuditCheckpoint.keyID(of: AuditLogFixture.signer.publicKey))
                #expect(.string(checkpoint.head) == records[Int(checkpoint.size) - 1]["hash"])
            }
        }
    }

    @Test func intervalCheckpointsOnlyWhenTheHeadMoved() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.checkpointInterval = .seconds(60)
            let log = fixture.open(configuration)
            try await log.record(AuditLogFixture.record(0))
            await log.maintain()
            #expect(try fixture.checkpoints().isEmpty, "the interval has not passed")
            fixture.clock.advance(by: .seconds(61))
            await log.maintain()
            #expect(try fixture.checkpoints().map(\.size) == [1])
            fixture.clock.advance(by: .seconds(61))
            await log.maintain()
            #expect(try fixture.checkpoints().map(\.size) == [1], "the head did not move")
            await log.close()
        }
    }

    @Test func aFullDiskRefusesRecordsUntilSpaceReturns() async throws {
        try await AuditLogFixture.with { fixture in
            let log = fixture.open()
            try await log.record(AuditLogFixture.record(0))
            fixture.disk.set(999)
            let error = await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(1)) }
            #expect(error?.code == .diskFull)
            #expect(!log.status.writable)
            let reason = try #require(log.status.degradedReason)
            #expect(reason.contains("999") && reason.contains("1000") && reason.contains(fixture.directory))
            let again = await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(2)) }
            #expect(again?.code == .diskFull)

            fixture.disk.set(1 << 30)
            try await log.record(AuditLogFixture.record(3))
            #expect(log.status.writable)
            #expect(log.status.degradedReason == nil)
            await log.close()

            let lines = try fixture.lines(AuditFiles.segmentName(firstSeq: 1))
            try AuditLogFixture.expectChained(lines)
            #expect(
                try lines.map { try AuditJSONParser.parse($0)["request_id"] } == [.string("req-0"), .string("req-3")]
            )
        }
    }

    @Test func aFullDiskClearsInAMaintenancePassToo() async throws {
        try await AuditLogFixture.with { fixture in
            let log = fixture.open()
            fixture.disk.set(0)
            await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(0)) }
            #expect(!log.status.writable)
            fixture.disk.set(nil)  // unknown: the log writes
            await log.maintain()
            #expect(log.status.writable)
            try await log.record(AuditLogFixture.record(1))
            #expect(log.status.head.seq == 1)
            await log.close()
        }
    }

    @Test func anUnopenableDirectoryDegradesWithoutCrashingAndRecovers() async throws {
        try await AuditLogFixture.with { fixture in
            // The parent of the audit directory is a regular file.
            let parent = fixture.directory
            #expect(FileManager.default.createFile(atPath: parent, contents: Data("x".utf8)))
            var configuration = fixture.configuration()
            configuration.directory = parent + "/audit"
            let log = fixture.open(configuration)
            #expect(!log.status.writable)
            let reason = try #require(log.status.degradedReason)
            #expect(reason.contains(parent + "/audit"))
            #expect(reason.contains("Not a directory"))
            let error = await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(0)) }
            #expect(error?.code == .degraded)
            let checkpointError = await #expect(throws: AuditError.self) { try await log.checkpointNow() }
            #expect(checkpointError?.code == .degraded)
            await log.maintain()
            #expect(!log.status.writable, "still nothing to open")

            try FileManager.default.removeItem(atPath: parent)
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: false)
            await log.maintain()
            #expect(log.status.writable)
            try await log.record(AuditLogFixture.record(1))
            #expect(log.status.head.seq == 1)
            await log.close()
        }
    }

    @Test func gracefulShutdownDrainsCheckpointsAndCloses() async throws {
        try await AuditLogFixture.with { fixture in
            let log = fixture.open()
            let group = ServiceGroup(services: [log], logger: AuditLogFixture.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                for index in 0..<5 { try await log.record(AuditLogFixture.record(index)) }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(!log.status.writable)
            let error = await #expect(throws: AuditError.self) { try await log.record(AuditLogFixture.record(5)) }
            #expect(error?.code == .closed)
            #expect(try fixture.checkpoints().map(\.size) == [5])
            #expect(try fixture.lines(AuditFiles.segmentName(firstSeq: 1)).count == 5)
        }
    }

    @Test func runMaintainsOnItsClock() async throws {
        try await AuditLogFixture.with { fixture in
            var configuration = fixture.configuration()
            configuration.checkpointInterval = .seconds(5)
            configuration.maintenanceInterval = .seconds(10)
            let log = fixture.open(configuration)
            try await log.record(AuditLogFixture.record(0))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await log.run() }
                try await AuditLogFixture.eventually { fixture.clock.sleeperCount == 1 }
                fixture.clock.advance(by: .seconds(10))
                // The pass after the sleep writes the interval checkpoint; wait for it, then stop.
                try await AuditLogFixture.eventually { log.statistics.checkpoints == 1 }
                tasks.cancelAll()
                try await tasks.waitForAll()
            }
            #expect(
                try fixture.checkpoints().map(\.size) == [1],
                "the interval's; the close adds none for the same head"
            )
        }
    }
}
