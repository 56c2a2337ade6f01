import Testing

@testable import ReplayCore

#if canImport(Glibc)
import Glibc
#endif

/// The trust model's rules, judged as the service user `replayd` (uid 998) over a modelled file system, so that
/// "owned by another user" needs no other real user.
@Suite struct FileTrustTests {
    private func trust(_ inspector: FakeFileInspector, euid: UInt32 = 998) -> FileTrust {
        FileTrust(effectiveUID: euid, inspector: inspector, accounts: FakeTrustAccounts())
    }

    private func refusal(_ body: () throws(FileTrustError) -> Void) -> FileTrustError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func aDirectoryOwnedByTheDaemonOrRootAndNotWritableByOthersIsTrusted() throws {
        var inspector = FakeFileInspector()
        inspector.files = [
            "/run/replayd": .directory(owner: 998, 0o750),
            "/var/lib/replayd": .directory(owner: 998, 0o700),
            "/srv/audit": .directory(owner: 0, 0o755),
        ]
        inspector.writable = ["/run/replayd", "/var/lib/replayd", "/srv/audit"]
        let trust = trust(inspector)
        try trust.checkDirectory("/run/replayd", role: .socket)
        try trust.checkDirectory("/var/lib/replayd", role: .state)
        try trust.checkDirectory("/srv/audit", role: .audit)
    }

    @Test func anotherUsersDirectoryIsRefusedWithOwnerModeAndFix() {
        var inspector = FakeFileInspector()
        inspector.files = ["/run/replayd": .directory(owner: 1001, 0o777)]
        inspector.writable = ["/run/replayd"]
        let error = refusal { () throws(FileTrustError) in
            try trust(inspector).checkDirectory("/run/replayd", role: .socket)
        }
        #expect(error?.code == .untrustedOwner)
        #expect(error?.path == "/run/replayd")
        #expect(
            error?.description
                == "socket directory /run/replayd is owned by uid 1001 (alice) (mode 0777), not by replayd (uid 998) "
                + "or root, so another user controls it; fix: chown replayd /run/replayd && chmod 0750 /run/replayd"
        )
    }

    @Test(arguments: [0o770, 0o757, 0o1777, 0o720] as [UInt32])
    func aDirectoryWritableByGroupOrOthersIsRefused(_ mode: UInt32) {
        var inspector = FakeFileInspector()
        inspector.files = ["/var/lib/replayd": .directory(owner: 998, mode)]
        inspector.writable = ["/var/lib/replayd"]
        let error = refusal { () throws(FileTrustError) in
            try trust(inspector).checkDirectory("/var/lib/replayd", role: .state)
        }
        #expect(error?.code == .unsafeMode)
        let octal = String(mode, radix: 8)
        let shown = String(repeating: "0", count: 4 - octal.count) + octal
        #expect(error?.message == "state directory /var/lib/replayd has mode \(shown), so other users can write to it")
        #expect(error?.fix == "chmod 0700 /var/lib/replayd")
    }

    @Test func theSocketDirectoryMayBeGroupReadable() throws {
        var inspector = FakeFileInspector()
        inspector.files = ["/run/replayd": .directory(owner: 0, 0o750)]
        inspector.writable = ["/run/replayd"]
        try trust(inspector).checkDirectory("/run/replayd", role: .socket)
    }

    @Test func aSymlinkedDirectoryIsRefused() {
        var inspector = FakeFileInspector()
        inspector.files = ["/var/lib/replayd": .link]
        let error = refusal { () throws(FileTrustError) in
            try trust(inspector).checkDirectory("/var/lib/replayd", role: .state)
        }
        #expect(error?.code == .symbolicLink)
        #expect(
            error?.message
                == "state directory /var/lib/replayd is a symbolic link; replayd does not follow symbolic links"
        )
        #expect(error?.fix == "configure the real path (readlink -f /var/lib/replayd)")
    }

    @Test func aFileWhereADirectoryShouldBeIsRefused() {
        var inspector = FakeFileInspector()
        inspector.files = ["/var/lib/replayd": .file(owner: 998, 0o600)]
        let error = refusal { () throws(FileTrustError) in
            try trust(inspector).checkDirectory("/var/lib/replayd", role: .state)
        }
        #expect(error?.code == .wrongType)
        #expect(error?.message == "state directory /var/lib/replayd is a regular file, not a directory")
    }

    @Test func aTrustedDirectoryTheDaemonCannotWriteIsRefused() {
        var inspector = FakeFileInspector()
        inspector.files = ["/var/lib/replayd": .directory(owner: 0, 0o755)]
        let error = refusal { () throws(FileTrustError) in
            try trust(inspector).checkDirectory("/var/lib/replayd", role: .state)
        }
        #expect(error?.code == .notWritable)
        #expect(error?.message.contains("is not writable by replayd (uid 998)") == true)
        #expect(error?.fix == "chown replayd /var/lib/replayd && chmod 0700 /var/lib/replayd")
    }

    @Test func aMissingDirectoryMustBeCreatable() throws {
        var inspector = FakeFileInspector()
        inspector.files = [
            "/": .directory(owner: 0, 0o755),
            "/var": .directory(owner: 0, 0o755),
            "/srv": .directory(owner: 998, 0o755),
            "/etc/replayd.toml": .file(owner: 0, 0o644),
        ]
        inspector.failures = ["/etc/replayd.toml/run": ENOTDIR, "/etc/replayd.toml/run/sock": ENOTDIR]
        inspector.writable = ["/srv"]
        let trust = trust(inspector)
        // Its nearest existing ancestor is writable.
        try trust.checkDirectoryOrCreatable("/srv/replayd/state", role: .state)
        // Not writable.
        let notWritable = refusal { () throws(FileTrustError) in
            try trust.checkDirectoryOrCreatable("/var/lib/replayd", role: .state)
        }
        #expect(notWritable?.code == .notWritable)
        #expect(
            notWritable?.message
                == "state directory /var/lib/replayd does not exist and cannot be created: replayd (uid 998) cannot "
                + "write to /var"
        )
        #expect(notWritable?.fix == "install -d -m 0700 -o replayd /var/lib/replayd")
        // Under a file.
        let underAFile = refusal { () throws(FileTrustError) in
            try trust.checkDirectoryOrCreatable("/etc/replayd.toml/run/sock", role: .socket)
        }
        #expect(underAFile?.code == .underAFile)
        #expect(underAFile?.message.contains("/etc/replayd.toml/run/sock") == true)
    }

    @Test(arguments: [
        (FileStatus.file(owner: 998, 0o600), true),
        (.file(owner: 998, 0o400), true),
        (.file(owner: 0, 0o640), true),
        (.file(owner: 998, 0o660), false),
        (.file(owner: 998, 0o604), false),
        (.file(owner: 998, 0o601), false),
        (.file(owner: 1001, 0o600), false),
        (.link, false),
        (.directory(owner: 998, 0o700), false),
    ])
    func keyFileRules(_ status: FileStatus, _ trusted: Bool) {
        let inspector = FakeFileInspector()
        let problem = trust(inspector).problem(withKeyFile: status, at: "/etc/replayd/audit.key", what: "audit key")
        #expect((problem == nil) == trusted, "\(problem?.description ?? "trusted")")
    }

    @Test func aGroupWritableKeyIsRefusedWithTheFix() {
        var inspector = FakeFileInspector()
        inspector.files = ["/etc/replayd/audit.key": .file(owner: 998, 0o620)]
        let error = refusal { () throws(FileTrustError) in
            try trust(inspector).checkKeyFile("/etc/replayd/audit.key", what: "audit key", mayBeMissing: false)
        }
        #expect(error?.code == .unsafeMode)
        #expect(
            error?.description
                == "audit key /etc/replayd/audit.key has mode 0620, so other users can read or change it; "
                + "fix: chmod 0600 /etc/replayd/audit.key"
        )
    }

    @Test func aKeyPlantedByAnotherUserIsRefused() {
        var inspector = FakeFileInspector()
        inspector.files = ["/var/lib/replayd/audit.key": .file(owner: 1001, 0o600)]
        let error = refusal { () throws(FileTrustError) in
            try trust(inspector).checkKeyFile("/var/lib/replayd/audit.key", what: "audit key", mayBeMissing: true)
        }
        #expect(error?.code == .untrustedOwner)
        #expect(error?.message.contains("owned by uid 1001 (alice)") == true)
        #expect(error?.fix == "chown replayd /var/lib/replayd/audit.key && chmod 0600 /var/lib/replayd/audit.key")
    }

    @Test func aMissingKeyPassesOnlyWhenItWillBeCreated() throws {
        let trust = trust(FakeFileInspector())
        try trust.checkKeyFile("/var/lib/replayd/audit.key", what: "audit key", mayBeMissing: true)
        let error = refusal { () throws(FileTrustError) in
            try trust.checkKeyFile("/etc/replayd/audit.key", what: "audit key", mayBeMissing: false)
        }
        #expect(error?.message == "audit key /etc/replayd/audit.key does not exist")
    }

    @Test func rootTrustsRootAndItselfOnly() {
        let trust = trust(FakeFileInspector(), euid: 0)
        #expect(trust.problem(withKeyFile: .file(owner: 0, 0o600), at: "/k", what: "audit key") == nil)
        let problem = trust.problem(withKeyFile: .file(owner: 998, 0o600), at: "/k", what: "audit key")
        #expect(problem?.code == .untrustedOwner)
        #expect(problem?.message.contains("not by root or root") == false)
        #expect(problem?.fix == "chown root /k && chmod 0600 /k")
    }
}
