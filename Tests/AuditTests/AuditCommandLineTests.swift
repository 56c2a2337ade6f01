import Audit
import Testing

/// The pure parts of `replayd audit`: exit statuses and where the paths come from.
@Suite struct AuditCommandLineTests {
    @Test func exitStatusesAreZeroOneAndTwo() {
        #expect(AuditExitStatus(AuditVerification()) == .ok)
        let problem = AuditProblem(seq: 3, segment: "s", line: 3, reason: .init(.hashMismatch, "changed"))
        #expect(AuditExitStatus(AuditVerification(firstProblem: problem)) == .tampered)
        #expect(AuditExitStatus.allCases.map(\.rawValue) == [0, 1, 2])
    }

    @Test func usageErrorsExitTwoOnlyUnderAudit() {
        #expect(AuditExitStatus.usageExitCode(forArguments: ["audit", "verify", "--bogus"]) == 2)
        #expect(AuditExitStatus.usageExitCode(forArguments: ["audit"]) == 2)
        #expect(AuditExitStatus.usageExitCode(forArguments: ["serve", "--config", "audit"]) == nil)
        #expect(AuditExitStatus.usageExitCode(forArguments: []) == nil)
    }

    @Test func theTamperedLineNamesSeqSegmentLineAndReason() {
        let problem = AuditProblem(
            seq: 8,
            segment: "audit-00000000000000000006.jsonl",
            line: 3,
            reason: .init(.missingRecord, "seq 8 is missing")
        )
        let report = AuditVerification(recordsChecked: 7, firstProblem: problem).report
        #expect(report.first == "tampered: seq 8 (segment audit-00000000000000000006.jsonl, line 3): seq 8 is missing")
    }

    @Test func flagsOverTheConfigThenDefaultsThatExist() {
        let config = AuditPaths(dir: "/var/lib/replayd/audit", keyFiles: ["/etc/replayd/audit.key"])
        let flags = AuditPaths(keyFiles: ["/tmp/old.key", "/tmp/new.key"], checkpointsFile: "/mnt/copy.jsonl")
        let merged = config.overridden(by: flags)
        #expect(merged.dir == "/var/lib/replayd/audit")
        #expect(merged.keyFiles == ["/tmp/old.key", "/tmp/new.key"])
        #expect(config.overridden(by: AuditPaths()).keyFiles == ["/etc/replayd/audit.key"])

        let everything = merged.withDefaults { _ in true }
        #expect(everything.checkpointsFile == "/mnt/copy.jsonl", "a flag is not replaced by a default")
        #expect(everything.checkpointKeyFile == "/var/lib/replayd/audit/../audit-signing.key.pub")

        let bare = AuditPaths(dir: "/srv/audit/").withDefaults { _ in true }
        #expect(bare.checkpointsFile == "/srv/audit/checkpoints.jsonl")
        #expect(bare.checkpointKeyFile == "/srv/audit/../audit-signing.key.pub")
        let missing = AuditPaths(dir: "/srv/audit").withDefaults { _ in false }
        #expect(missing.checkpointsFile == nil)
        #expect(missing.checkpointKeyFile == nil)
    }
}
