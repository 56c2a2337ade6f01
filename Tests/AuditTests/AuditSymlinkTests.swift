import Audit
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Issue 9: replayd follows no symbolic link at a file it opens. A key or log file reached through one is refused,
/// and the refusal says why.
@Suite struct AuditSymlinkTests {
    @Test func aSymlinkedAuditKeyIsRefused() throws {
        try withAuditDirectory { directory in
            let target = directory + "/real.key"
            let link = directory + "/audit.key"
            try Data(String(repeating: "k", count: 64).utf8).write(to: URL(fileURLWithPath: target))
            #expect(chmod(target, 0o600) == 0)
            #expect(symlink(target, link) == 0)
            #expect(throws: Never.self) { _ = try AuditKey(contentsOf: target) }
            do throws(AuditKey.LoadError) {
                _ = try AuditKey(contentsOf: link)
                Issue.record("followed a symbolic link to the audit key")
            } catch {
                #expect(error.description.contains("audit key \(link)"), "\(error.description)")
                #expect(error.description.contains("symbolic link"), "\(error.description)")
            }
        }
    }

    @Test func aSymlinkedSigningKeyIsRefusedAndNotReplaced() throws {
        try withAuditDirectory { directory in
            let link = directory + "/audit-signing.key"
            let target = directory + "/elsewhere"
            #expect(symlink(target, link) == 0)
            #expect(throws: AuditSigningKeys.KeyError.self) { _ = try AuditSigningKeys.loadOrCreate(link) }
            #expect(!FileManager.default.fileExists(atPath: target), "no key was written through the link")
        }
    }

    @Test func aSymlinkedLogFileIsNotRead() throws {
        try withAuditDirectory { directory in
            let target = directory + "/other.jsonl"
            let link = directory + "/" + AuditFiles.segmentName(firstSeq: 1)
            try Data("{}\n".utf8).write(to: URL(fileURLWithPath: target))
            #expect(symlink(target, link) == 0)
            do throws(AuditFiles.IOError) {
                _ = try AuditFiles.read(link)
                Issue.record("followed a symbolic link to a segment")
            } catch {
                #expect(error.description.contains("symbolic link"), "\(error.description)")
            }
        }
    }
}
