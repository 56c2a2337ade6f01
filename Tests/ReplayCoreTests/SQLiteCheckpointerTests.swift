import Foundation
import GRDB
import Testing

@testable import ReplayCore

/// The WAL is checkpointed on the checkpointer's own connection, not by the writer after its commits, and the
/// writer steps in only when the WAL reaches its maximum, so that it stays bounded.
@Suite struct SQLiteCheckpointerTests {
    private static func open(in directory: String, _ limits: SQLiteCheckpointer.Limits) throws -> SQLiteDatabase {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("t") { db in try db.execute(sql: "CREATE TABLE t (v BLOB)") }
        return try SQLiteDatabase(
            path: StoreTesting.databasePath(in: directory),
            name: "test database",
            migrator: migrator,
            configuration: Configuration(),
            checkpoints: limits,
            logger: StoreTesting.logger
        )
    }

    /// Fifty synced writes of two 4 KiB pages or more each (a 6,000-byte row spills to an overflow page).
    private static func writeRows(_ database: SQLiteDatabase, count: Int = 50) async throws {
        for index in 0..<count {
            try await database.write("writing row \(index)") { db in
                try db.execute(
                    sql: "INSERT INTO t VALUES (?)",
                    arguments: [Data(repeating: UInt8(index), count: 6_000)]
                )
            }
        }
    }

    private static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? -1
    }

    @Test func theWALIsCheckpointedOffTheWriter() async throws {
        try await StoreTesting.withDirectory { directory in
            let path = StoreTesting.databasePath(in: directory)
            let database = try Self.open(in: directory, .init(pages: 8, maximumPages: 1_000_000))
            let before = Self.size(path)
            try await Self.writeRows(database)
            // A checkpoint scheduled by the last commit is recorded before that write returns.
            await database.checkpointer.settled()
            let counts = database.checkpointer.counts
            // How many ran depends on how the two connections interleave; the first is due after 8 pages whatever
            // happens, and none is left to the writer.
            #expect(counts.background >= 1)
            #expect(counts.onWriter == 0)
            #expect(counts.failed == 0)
            // The first checkpoint alone copied at least 8 frames into the database file: four rows' overflow
            // pages at least, which only a checkpoint writes there.
            #expect(Self.size(path) - before >= 4 * 4_096)
            try database.close()
            let rows = try await DatabaseQueue(path: path).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM t")
            }
            #expect(rows == 50)
        }
    }

    @Test func aWALAtItsMaximumIsCheckpointedByTheWriterAndStartsOver() async throws {
        try await StoreTesting.withDirectory { directory in
            let path = StoreTesting.databasePath(in: directory)
            // No background checkpoint is ever due: only the writer's, at 16 pages.
            let database = try Self.open(in: directory, .init(pages: 1_000_000, maximumPages: 16))
            defer { try? database.close() }
            try await Self.writeRows(database)
            let counts = database.checkpointer.counts
            #expect(counts.background == 0)
            #expect(counts.onWriter >= 3)
            // Without the writer's checkpoint the WAL would hold every row: over 100 frames of 4 KiB. With it, the
            // WAL starts over after reaching 16 pages, so it never holds more than 16 plus one write's frames.
            let frame = 4_096 + 24
            #expect(Self.size(path + "-wal") <= 32 + (16 + 4) * frame)
        }
    }

    @Test func aStoreDroppedWithoutClosingLeavesItsHookHarmless() async throws {
        try await StoreTesting.withDirectory { directory in
            var database: SQLiteDatabase? = try Self.open(in: directory, .init(pages: 8, maximumPages: 16))
            if let open = database { try await Self.writeRows(open, count: 5) }
            database = nil
            // Another store on the same file works as before: the first one's connections are closed.
            let reopened = try Self.open(in: directory, .init(pages: 8, maximumPages: 16))
            defer { try? reopened.close() }
            try await Self.writeRows(reopened, count: 5)
            let rows = try await reopened.read("counting") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }
            #expect(rows == 10)
        }
    }
}
