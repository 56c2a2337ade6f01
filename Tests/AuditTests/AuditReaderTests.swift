import Audit
import Testing

/// `AuditReader`, its filters and follow mode, the `--since` parser and the tail table.
@Suite struct AuditReaderTests {
    static let key = testAuditKey("k")

    /// Drains a reader: polls until it has caught up.
    private func readAll(_ reader: inout AuditReader) throws -> [AuditEntry] {
        var all: [AuditEntry] = []
        while case let batch = try reader.poll(), !batch.isEmpty { all += batch }
        return all
    }

    @Test func readsEveryRecordAcrossSegmentsInOrder() throws {
        try withAuditDirectory { directory in
            var log = AuditChainFixture(directory: directory, key: Self.key)
            try log.appendReplays(3)
            try log.rotate()
            try log.appendReplays(2)
            var reader = AuditReader(directory: directory)
            let entries = try readAll(&reader)
            #expect(entries.map(\.seq) == Array(1...6))
            #expect(entries[3].record["kind"] == .string("segment_start"))
            #expect(entries[3].segment == AuditFiles.segmentName(firstSeq: 4))
            #expect(entries[0].line == (try log.lines(AuditFiles.segmentName(firstSeq: 1))[0].dropLast()))
            #expect(try reader.poll().isEmpty)
            #expect(reader.position.segment == AuditFiles.segmentName(firstSeq: 4))
        }
    }

    @Test func filtersByPrincipalRunAndTime() throws {
        try withAuditDirectory { directory in
            var log = AuditChainFixture(directory: directory, key: Self.key)
            try log.appendReplays(2, principal: "alice")  // seq 1, 2: run-1, run-2
            try log.appendReplays(2, principal: "bob")  // seq 3, 4
            try log.append(
                AuditRecord(
                    kind: .replay,
                    stage: "outcome",
                    actor: .init(kind: "uds", principal: "carol"),
                    runID: "run-9",
                    newRunID: "run-2"
                )
            )  // seq 5
            func seqs(_ filter: AuditTailFilter) throws -> [Int64] {
                var reader = AuditReader(directory: directory, filter: filter)
                return try readAll(&reader).map(\.seq)
            }
            #expect(try seqs(AuditTailFilter()) == [1, 2, 3, 4, 5])
            #expect(try seqs(AuditTailFilter(principal: "bob")) == [3, 4])
            #expect(try seqs(AuditTailFilter(runID: "run-2")) == [2, 5], "run_id or new_run_id")
            #expect(try seqs(AuditTailFilter(principal: "alice", runID: "run-2")) == [2])
            var reader = AuditReader(directory: directory)
            let all = try readAll(&reader)
            let third = try #require(all[2].record["ts"]?.stringValue.flatMap(AuditTimestamp.parse))
            #expect(try seqs(AuditTailFilter(since: third)) == [3, 4, 5], "ts at or after")
            #expect(try seqs(AuditTailFilter(since: third + 1)) == [4, 5])
        }
    }

    @Test func followsAcrossARotation() throws {
        try withAuditDirectory { directory in
            var log = AuditChainFixture(directory: directory, key: Self.key)
            try log.appendReplays(2)
            var reader = AuditReader(directory: directory)
            #expect(try reader.poll().map(\.seq) == [1, 2])
            #expect(try reader.poll().isEmpty)
            try log.appendReplays(1)
            #expect(try reader.poll().map(\.seq) == [3])
            try log.appendReplays(1)
            try log.rotate()
            try log.appendReplays(1)
            #expect(try readAll(&reader).map(\.seq) == [4, 5, 6])
            #expect(reader.position.segment == AuditFiles.segmentName(firstSeq: 5))
            try log.rotate()
            #expect(try reader.poll().map(\.seq) == [7])
            #expect(try reader.poll().isEmpty)
        }
    }

    @Test func aPartialLastLineWaitsUntilItIsComplete() throws {
        try withAuditDirectory { directory in
            var log = AuditChainFixture(directory: directory, key: Self.key)
            try log.appendReplays(2)
            var reader = AuditReader(directory: directory)
            #expect(try reader.poll().count == 2)
            var chain = AuditChain(key: Self.key, head: log.head)
            let line = chain.seal(AuditChainFixture.replay(3), unixNanoseconds: 1).line
            let segment = AuditFiles.segmentName(firstSeq: 1)
            try log.appendRaw(Array(line.prefix(30)), to: segment)
            #expect(try reader.poll().isEmpty)
            try log.appendRaw(Array(line.dropFirst(30).dropLast()), to: segment)
            #expect(try reader.poll().isEmpty, "no newline yet")
            try log.appendRaw([0x0A], to: segment)
            let entries = try reader.poll()
            #expect(entries.map(\.seq) == [3])
            #expect(entries.first?.line == Array(line.dropLast()))
            #expect(reader.skippedLines == 0)
        }
    }

    @Test func aTornTailInAnOlderSegmentIsSkippedOnceANewerOneExists() throws {
        try withAuditDirectory { directory in
            var log = AuditChainFixture(directory: directory, key: Self.key)
            try log.appendReplays(2)
            try log.appendRaw(Array("{\"seq\":".utf8), to: AuditFiles.segmentName(firstSeq: 1))
            var reader = AuditReader(directory: directory)
            #expect(try readAll(&reader).map(\.seq) == [1, 2])
            try log.rotate()
            #expect(try readAll(&reader).map(\.seq) == [3])
            #expect(reader.skippedLines == 1)
        }
    }

    @Test func sinceTakesRFC3339OrADurationAgo() {
        let now: Int64 = 1_796_000_000_000_000_000
        let second: Int64 = 1_000_000_000
        #expect(AuditSince.parse("10m", now: now) == now - 600 * second)
        #expect(AuditSince.parse("2h", now: now) == now - 7200 * second)
        #expect(AuditSince.parse("1d", now: now) == now - 86_400 * second)
        #expect(AuditSince.parse("90s", now: now) == now - 90 * second)
        #expect(AuditSince.parse("1h30m", now: now) == now - 5400 * second)
        #expect(AuditSince.parse("1w", now: now) == now - 7 * 86_400 * second)
        let utc: Int64 = 1_795_957_200_000_000_000
        #expect(AuditSince.parse("2026-11-29T13:00:00Z", now: now) == utc)
        #expect(AuditSince.parse("2026-11-29T14:00:00+01:00", now: now) == utc)
        #expect(AuditSince.parse("2026-11-29T12:30:00.5-00:30", now: now) == utc + second / 2)
        #expect(AuditSince.parse("2026-11-29", now: now) == utc - 13 * 3600 * second)
        for bad in ["", "10", "m", "10x", "1h30", "yesterday", "2026-11-29T13:00:00", "99999999999999999999d"] {
            #expect(AuditSince.parse(bad, now: now) == nil, "\(bad)")
        }
    }

    @Test func theTableHasOneLinePerRecord() throws {
        let record = try AuditJSONParser.parse(
            Array(
                (#"{"actor":{"kind":"uds","principal":"alice"},"attempt":{"outcome":"created","request_id":"r","#
                    + #""status":201},"decision":"succeeded","door":"socket","kind":"replay","new_run_id":"run-2","#
                    + #""run_id":"run-1","seq":42,"stage":"outcome","ts":"2026-11-29T13:05:01.123456789Z"}"#).utf8
            )
        )
        #expect(
            AuditTable.cells(record) == [
                "42", "2026-11-29T13:05:01.123Z", "replay/outcome", "socket", "alice", "run-1", "succeeded", "run-2",
                "201 created",
            ]
        )
        let row = AuditTable.row(record)
        #expect(row.hasPrefix("42       2026-11-29T13:05:01.123Z  replay/outcome"))
        #expect(row.hasSuffix("201 created"))
        #expect(AuditTable.header.hasPrefix("SEQ      TS  "))
        let denial = try AuditJSONParser.parse(
            Array(#"{"decision":"denied","kind":"denial","reason":"unknown_peer","seq":7}"#.utf8)
        )
        #expect(AuditTable.cells(denial)[6] == "denied: unknown_peer")
        #expect(AuditTable.row(denial).hasSuffix("  -"))
        // UUID run ids fit their columns: the columns after them line up with the heading's.
        let uuid = "0b6f4a55-1c63-4f8e-9d2a-7c5d3e1f2a90"
        let uuids = try AuditJSONParser.parse(
            Array(#"{"seq":8,"kind":"replay","run_id":"\#(uuid)","new_run_id":"\#(uuid)","decision":"ok"}"#.utf8)
        )
        let header = AuditTable.header
        let uuidRow = AuditTable.row(uuids)
        let attemptColumn = try #require(header.range(of: "ATTEMPT")).lowerBound.utf16Offset(in: header)
        #expect(uuidRow.utf16.count == attemptColumn + 1, "row: \(uuidRow)")
        #expect(uuidRow.hasSuffix("  -"))
    }
}
