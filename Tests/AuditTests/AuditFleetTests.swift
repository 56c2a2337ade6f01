import Audit
import Crypto
import Foundation
import Testing

/// Several instances' logs: `audit verify` reports each chain on its own (and names the instance ids claimed
/// twice); `audit tail` merges them in time order. Real segment files, written the way the daemon's writer seals
/// them (``AuditChain`` with an instance id).
@Suite struct AuditFleetTests {
    static let keyA = testAuditKey("a")
    static let keyB = testAuditKey("b")
    static let keyC = testAuditKey("c")

    /// Writes a one-segment log of `instance` to `directory`, one record per time in `times` (Unix seconds), with
    /// a signed checkpoint of its head in `checkpoints.jsonl`; returns the signer.
    @discardableResult
    static func writeLog(
        _ directory: String,
        key: AuditKey,
        instance: String?,
        times: [Int64],
        principal: String = "alice"
    ) throws -> Curve25519.Signing.PrivateKey {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var chain = AuditChain(key: key, instance: instance)
        var bytes: [UInt8] = []
        for (index, time) in times.enumerated() {
            let record = AuditRecord(
                kind: .replay,
                stage: "received",
                door: "socket",
                actor: .init(kind: "uds", principal: principal),
                requestID: "\(instance ?? "x")-\(index + 1)",
                runID: "run-\(index + 1)",
                decision: "accepted"
            )
            bytes += chain.seal(record, unixNanoseconds: time * 1_000_000_000).line
        }
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + AuditFiles.segmentName(firstSeq: 1)))
        let signer = Curve25519.Signing.PrivateKey()
        let checkpoint = try AuditCheckpoint.sign(
            origin: "\(instance ?? "none")/replayd",
            head: chain.head,
            unixNanoseconds: (times.last ?? 0) * 1_000_000_000,
            key: signer
        )
        try Data(checkpoint.json.canonical + [0x0A]).write(
            to: URL(fileURLWithPath: directory + "/" + AuditFiles.checkpointsFileName)
        )
        return signer
    }

    static func report(
        _ directory: String,
        signer: Curve25519.Signing.PrivateKey
    ) throws -> AuditChainReport {
        let checkpoints = try AuditCheckpointFile.read(directory + "/" + AuditFiles.checkpointsFileName)
        let verifier = AuditVerifier(
            keys: [keyA, keyB, keyC],
            checkpointFile: checkpoints,
            checkpointKey: signer.publicKey
        )
        return try AuditChainReport.verify(
            directory: directory,
            verifier: verifier,
            checkpoints: checkpoints.checkpoints
        )
    }

    @Test func everyRecordNamesItsInstance() throws {
        var chain = AuditChain(key: Self.keyA, instance: "gw-a")
        let line = chain.seal(AuditRecord(kind: .lifecycle, stage: "start"), unixNanoseconds: 1_000_000_000).line
        let record = try AuditJSONParser.parse(Array(line.dropLast()))
        #expect(record["instance"]?.stringValue == "gw-a")
        var bare = AuditChain(key: Self.keyA)
        let old = bare.seal(AuditRecord(kind: .lifecycle, stage: "start"), unixNanoseconds: 1_000_000_000).line
        #expect(try AuditJSONParser.parse(Array(old.dropLast()))["instance"] == nil, "no id configured, no member")
    }

    @Test func twoGoodLogsAndOneTamperedAreEachReportedWithWhereTheBreakIs() throws {
        try withAuditDirectory { root in
            let a = root + "/gw-a"
            let b = root + "/gw-b"
            let c = root + "/gw-c"
            let signerA = try Self.writeLog(a, key: Self.keyA, instance: "gw-a", times: [100, 101, 102])
            let signerB = try Self.writeLog(b, key: Self.keyB, instance: "gw-b", times: [100, 105])
            let signerC = try Self.writeLog(c, key: Self.keyC, instance: "gw-c", times: [99, 103, 104, 106])
            // Change the third record of gw-c: its principal, so that its hash no longer matches.
            let segment = c + "/" + AuditFiles.segmentName(firstSeq: 1)
            let text = try String(contentsOfFile: segment, encoding: .utf8)
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[2] = lines[2].replacingOccurrences(of: "\"principal\":\"alice\"", with: "\"principal\":\"mallory\"")
            try lines.joined(separator: "\n").write(toFile: segment, atomically: false, encoding: .utf8)

            let fleet = AuditFleetVerification(chains: [
                try Self.report(a, signer: signerA), try Self.report(b, signer: signerB),
                try Self.report(c, signer: signerC),
            ])
            #expect(!fleet.ok)
            #expect(fleet.exitStatus == .tampered)
            #expect(fleet.duplicates.isEmpty)
            let (first, second, third) = (fleet.chains[0], fleet.chains[1], fleet.chains[2])
            #expect(first.intact && second.intact && !third.intact)
            #expect(first.instance == "gw-a" && first.instanceSource == .records)
            #expect(first.verification.recordsChecked == 3)
            #expect(first.verification.checkpointsChecked == 1)
            #expect(first.firstTime == "1970-01-01T00:01:40.000000000Z")
            #expect(first.lastTime == "1970-01-01T00:01:42.000000000Z")
            #expect(second.verification.recordsChecked == 2)
            #expect(third.instance == "gw-c")
            let problem = try #require(third.verification.firstProblem)
            #expect(problem.seq == 3)
            #expect(problem.line == 3)
            #expect(problem.segment == AuditFiles.segmentName(firstSeq: 1))
            #expect(problem.reason.code == .notCanonical || problem.reason.code == .hashMismatch)
            #expect(third.lastTime == "1970-01-01T00:01:43.000000000Z", "the last good record is seq 2")

            let text3 = fleet.lines.joined(separator: "\n")
            #expect(text3.contains("chain \(c) (instance gw-c)"))
            #expect(text3.contains("  tampered: seq 3 (segment \(AuditFiles.segmentName(firstSeq: 1)), line 3)"))
            #expect(text3.contains("fleet: 2 of 3 chains intact"))

            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(fleet.json.canonical)) as? [String: Any]
            )
            #expect(json["ok"] as? Bool == false)
            let chains = try #require(json["chains"] as? [[String: Any]])
            #expect(chains.map { $0["instance"] as? String } == ["gw-a", "gw-b", "gw-c"])
            #expect(chains.map { $0["ok"] as? Bool } == [true, true, false])
            let broken = try #require(chains[2]["problem"] as? [String: Any])
            #expect(broken["seq"] as? Int == 3)
            #expect(broken["line"] as? Int == 3)
            #expect(chains[0]["records"] as? Int == 3)
            #expect(chains[0]["first_ts"] as? String == "1970-01-01T00:01:40.000000000Z")
        }
    }

    @Test func twoDirectoriesClaimingOneInstanceIdFailTheCheck() throws {
        try withAuditDirectory { root in
            let signer = try Self.writeLog(root + "/one", key: Self.keyA, instance: "gw-a", times: [1, 2])
            let other = try Self.writeLog(root + "/two", key: Self.keyB, instance: "gw-a", times: [3])
            // An older log without instance members is named by its checkpoints' origin.
            let old = try Self.writeLog(root + "/old", key: Self.keyC, instance: nil, times: [4])
            let fleet = AuditFleetVerification(chains: [
                try Self.report(root + "/one", signer: signer), try Self.report(root + "/two", signer: other),
                try Self.report(root + "/old", signer: old),
            ])
            let allIntact = fleet.chains.allSatisfy { $0.intact }
            #expect(allIntact)
            #expect(fleet.chains[2].instance == "none/replayd")
            #expect(fleet.chains[2].instanceSource == .checkpoints)
            #expect(
                fleet.duplicates == [.init(instance: "gw-a", directories: [root + "/one", root + "/two"])]
            )
            #expect(!fleet.ok)
            #expect(fleet.lines.contains("duplicate instance: gw-a is claimed by \(root)/one, \(root)/two"))
        }
    }

    @Test func tailMergesThreeLogsInTimeOrderWithStableTies() throws {
        try withAuditDirectory { root in
            let a = root + "/a"
            let b = root + "/b"
            let c = root + "/c"
            try Self.writeLog(a, key: Self.keyA, instance: "gw-a", times: [10, 20, 30, 30])
            try Self.writeLog(b, key: Self.keyB, instance: "gw-b", times: [5, 20, 25])
            try Self.writeLog(c, key: Self.keyC, instance: nil, times: [20, 31])
            let sources = [a, b, c].map { AuditMergedReader.Source(directory: $0) }
            var reader = AuditMergedReader(sources: sources)
            var merged: [String] = []
            while let entry = try reader.next() { merged.append("\(entry.instance)#\(entry.entry.seq)") }
            // Equal times (20) go in the order the directories were given; within one log, by seq.
            #expect(
                merged == [
                    "gw-b#1", "gw-a#1", "gw-a#2", "gw-b#2", "\(c)#1", "gw-b#3", "gw-a#3", "gw-a#4", "\(c)#2",
                ]
            )
            #expect(try reader.poll().isEmpty, "caught up")

            // Following: records written after the catch-up are merged per poll the same way.
            let extraB = try Self.sealedLine(key: Self.keyB, instance: "gw-b", seq: 4, time: 41)
            let extraA = try Self.sealedLine(key: Self.keyA, instance: "gw-a", seq: 5, time: 40)
            try Self.append(extraB, to: b)
            try Self.append(extraA, to: a)
            let followed = try reader.poll().map { "\($0.instance)#\($0.entry.seq)" }
            #expect(followed == ["gw-a#5", "gw-b#4"])

            var since = AuditMergedReader(sources: sources, filter: AuditTailFilter(since: 25 * 1_000_000_000))
            var kept: [String] = []
            while let entry = try since.next() { kept.append("\(entry.instance)#\(entry.entry.seq)") }
            #expect(kept == ["gw-b#3", "gw-a#3", "gw-a#4", "\(c)#2", "gw-a#5", "gw-b#4"])
        }
    }

    @Test func theMergedTableHasAnInstanceColumn() {
        let header = AuditTable.mergedHeader
        #expect(header.hasPrefix("INSTANCE"))
        #expect(header.hasSuffix(AuditTable.header))
        let record = AuditJSON.object([("seq", .int(7)), ("kind", .string("replay"))])
        let row = AuditTable.row(record, instance: "gw-a")
        #expect(row.hasPrefix("gw-a "))
        #expect(row.hasSuffix(AuditTable.row(record)))
        #expect(row.count - AuditTable.row(record).count == header.count - AuditTable.header.count)
    }

    /// A record line for a log's tail, as a later write would add it (the chain is not what tail checks).
    static func sealedLine(key: AuditKey, instance: String, seq: Int64, time: Int64) throws -> [UInt8] {
        var chain = AuditChain(key: key, head: .init(seq: seq - 1, hash: AuditChain.genesis), instance: instance)
        return chain.seal(AuditRecord(kind: .lifecycle, stage: "stop"), unixNanoseconds: time * 1_000_000_000).line
    }

    static func append(_ line: [UInt8], to directory: String) throws {
        let handle = try FileHandle(
            forWritingTo: URL(fileURLWithPath: directory + "/" + AuditFiles.segmentName(firstSeq: 1))
        )
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line))
    }
}
