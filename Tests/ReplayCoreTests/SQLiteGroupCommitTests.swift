import Dispatch
import GRDB
import Testing

@testable import ReplayCore

/// The group commit's two durabilities: a batch is synced (`synchronous = FULL`) whenever one of its writes must
/// be, and only a batch of "with the next sync" writes alone skips the sync.
@Suite struct SQLiteGroupCommitTests {
    /// The writer's `synchronous` setting as a write's body sees it, inside its batch's transaction: 2 is FULL,
    /// 1 is NORMAL.
    private static func synchronous(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
    }

    private static func open(in directory: String) throws -> SQLiteDatabase {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("t") { db in try db.execute(sql: "CREATE TABLE t (v INTEGER)") }
        return try SQLiteDatabase(
            path: StoreTesting.databasePath(in: directory),
            name: "test database",
            migrator: migrator,
            configuration: Configuration(),
            logger: StoreTesting.logger
        )
    }

    @Test func aWriteAloneCommitsWithTheDurabilityItAsksFor() async throws {
        try await StoreTesting.withDirectory { directory in
            let database = try Self.open(in: directory)
            defer { try? database.close() }
            let synced = try await database.write("a synced write") { db in
                try db.execute(sql: "INSERT INTO t VALUES (1)")
                return try Self.synchronous(db)
            }
            let lazy = try await database.write("a lazy write", durability: .withNextSync) { db in
                try db.execute(sql: "INSERT INTO t VALUES (2)")
                return try Self.synchronous(db)
            }
            let syncedAgain = try await database.write("a synced write after it") { db in
                try db.execute(sql: "INSERT INTO t VALUES (3)")
                return try Self.synchronous(db)
            }
            #expect([synced, lazy, syncedAgain] == [2, 1, 2])
            let rows = try await database.read("counting") { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }
            #expect(rows == 3)
        }
    }

    @Test func aLazyWriteInTheBatchOfASyncedOneIsSyncedWithIt() async throws {
        try await StoreTesting.withDirectory { directory in
            let database = try Self.open(in: directory)
            defer { try? database.close() }
            // The first write holds the writer until both others are queued, so they are taken as one batch.
            let gate = DispatchSemaphore(value: 0)
            let (seen, seenContinuation) = AsyncStream.makeStream(of: (String, Int).self)
            func write(_ name: String, _ durability: SQLiteGroupCommit.Durability, holding: Bool = false) {
                database.commits.submit(
                    SQLiteGroupCommit.Write(
                        run: { db in
                            if holding { gate.wait() }
                            let value = (try? Self.synchronous(db)) ?? -1
                            return { error in seenContinuation.yield((name, error == nil ? value : -2)) }
                        },
                        fail: { _ in seenContinuation.yield((name, -3)) },
                        durability: durability
                    )
                )
            }
            write("holder", .withNextSync, holding: true)
            write("lazy", .withNextSync)
            write("synced", .synced)
            gate.signal()
            var values: [String: Int] = [:]
            for await (name, value) in seen {
                values[name] = value
                if values.count == 3 { break }
            }
            #expect(values["lazy"] == 2)
            #expect(values["synced"] == 2)
            // The holder ran alone (NORMAL) or with the other two (FULL); either is right.
            #expect(values["holder"] == 1 || values["holder"] == 2)
        }
    }
}
