import Audit
import AuditTestSupport
import Crypto
import Foundation
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A temporary audit directory, the keys, a manual clock and a fake disk for one test, and readers for what the
/// log wrote.
struct AuditLogFixture {
    static let key = AuditChainTests.key
    static let otherKey: AuditKey = {
        do {
            return try AuditKey(material: Array(repeating: UInt8(ascii: "n"), count: 32))
        } catch {
            preconditionFailure("\(error)")
        }
    }()
    static let signerBytes: [UInt8] = Array(repeating: 7, count: 32)
    static var signer: Curve25519.Signing.PrivateKey {
        do {
            return try Curve25519.Signing.PrivateKey(rawRepresentation: signerBytes)
        } catch {
            preconditionFailure("\(error)")
        }
    }
    /// Discards everything: some tests make the log say critical things on purpose.
    static var logger: Logger {
        Logger(label: "audit-tests", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// The audit directory (not created: the log creates it).
    let directory: String
    let clock = ManualAuditClock()
    let disk = FakeAuditDiskSpace()
    let writeFaults = SwitchableAuditWriteFaults()

    /// Runs `body` with a fixture in a fresh temporary directory, removed afterwards.
    static func with(_ body: (AuditLogFixture) async throws -> Void) async throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("audit-log-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        try await body(AuditLogFixture(directory: base + "/audit"))
    }

    /// A configuration for this directory with test-friendly defaults (no group-commit wait).
    func configuration(key: AuditKey = AuditLogFixture.key) -> AuditLogConfiguration {
        AuditLogConfiguration(
            directory: directory,
            key: key,
            signingKey: Self.signer,
            origin: "test/replayd",
            minFreeBytes: 1000,
            groupCommitWait: .zero
        )
    }

    /// Opens a log on this fixture's clock, disk and write faults.
    func open(_ configuration: AuditLogConfiguration? = nil) -> AuditLog {
        AuditLog(
            configuration: configuration ?? self.configuration(),
            clock: clock,
            diskSpace: disk,
            writeFaults: writeFaults,
            logger: Self.logger
        )
    }

    func path(_ name: String) -> String { directory + "/" + name }

    /// The segment names in log order.
    func segments() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { AuditFiles.firstSeq(ofSegment: $0) != nil }.sorted()
    }

    /// The raw bytes of a file in the directory.
    func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    /// The lines of a segment (or the checkpoint file), each without its newline; the file must end in one.
    func lines(_ name: String) throws -> [[UInt8]] {
        let bytes = try bytes(name)
        #expect(bytes.last == 0x0A, "\(name) ends in a newline")
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// The records of a segment, parsed.
    func records(_ name: String) throws -> [AuditJSON] {
        try lines(name).map { try AuditJSONParser.parse($0) }
    }

    /// Every record of every segment, in order.
    func allRecords() throws -> [AuditJSON] {
        try segments().flatMap { try records($0) }
    }

    /// The checkpoints written so far.
    func checkpoints() throws -> [AuditCheckpoint] {
        guard FileManager.default.fileExists(atPath: path(AuditFiles.checkpointsFileName)) else { return [] }
        return try lines(AuditFiles.checkpointsFileName).map { line in
            let checkpoint = AuditCheckpoint(json: try AuditJSONParser.parse(line))
            #expect(checkpoint != nil)
            return try #require(checkpoint)
        }
    }

    /// The permission bits of a file in the directory.
    func mode(_ name: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path(name))
        return (attributes[.posixPermissions] as? Int) ?? -1
    }

    /// Appends raw bytes to a file in the directory, as a crash or an intruder would.
    func append(_ bytes: [UInt8], to name: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path(name)))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
    }

    /// Points the log's open descriptor for segment `name` at `/dev/full`, so its next write fails with ENOSPC (a
    /// failed write without a seam).
    func redirectToDevFull(_ name: String) throws {
        let target = path(name)
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        let descriptor = try #require(
            descriptors.compactMap(Int32.init).first { descriptor in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")) == target
            },
            "the log holds \(target) open"
        )
        let full = Glibc.open("/dev/full", O_WRONLY | O_CLOEXEC)
        #expect(full >= 0)
        defer { Glibc.close(full) }
        #expect(dup2(full, descriptor) == descriptor)
    }

    /// Checks that `lines` are canonical records chained from `start` (seq and prev), with hashes and MACs that
    /// verify under the key each names.
    static func expectChained(
        _ lines: [[UInt8]],
        from start: AuditChain.Head = .empty,
        keys: [AuditKey] = [AuditLogFixture.key, AuditLogFixture.otherKey],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        var head = start
        for line in lines {
            let record = try AuditJSONParser.parse(line)
            #expect(record.canonical == line, "canonical", sourceLocation: sourceLocation)
            #expect(record["seq"] == .int(head.seq + 1), sourceLocation: sourceLocation)
            #expect(record["prev"] == .string(head.hash), sourceLocation: sourceLocation)
            let hash = AuditChain.expectedHash(of: record)
            #expect(record["hash"] == .string(Hex.encode(hash)), sourceLocation: sourceLocation)
            let key = keys.first { .string($0.id) == record["key_id"] }
            #expect(key != nil, "a known key_id", sourceLocation: sourceLocation)
            #expect(
                key?.verifyMAC(record["mac"]?.stringValue ?? "", hash: hash) == true,
                "the mac verifies",
                sourceLocation: sourceLocation
            )
            head = AuditChain.Head(seq: head.seq + 1, hash: record["hash"]?.stringValue ?? "")
        }
    }

    /// Waits until `condition` holds, polling; fails the test after five minutes (a hang, not a slow machine).
    static func eventually(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ condition: () -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(300)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition never held", sourceLocation: sourceLocation)
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// A record from the pipeline, told apart by its request id.
    static func record(_ index: Int) -> AuditRecord {
        AuditRecord(kind: .replay, stage: "received", door: "socket", requestID: "req-\(index)")
    }
}

/// Free space that tests set: plenty unless told otherwise.
final class FakeAuditDiskSpace: AuditDiskSpace {
    private let free = Mutex<Int64?>(1 << 40)

    func set(_ bytes: Int64?) {
        free.withLock { $0 = bytes }
    }

    func freeBytes(atPath path: String) -> Int64? {
        free.withLock { $0 }
    }
}
