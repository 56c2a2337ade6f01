import Foundation
import Testing

@testable import ReplayCore

#if canImport(Glibc)
import Glibc
#endif

/// `replayd config check` reports what `serve` would refuse, each problem with its config key and line.
@Suite struct ConfigFileTrustTests {
    private static let toml = """
        [upstream]
        base_url = "http://127.0.0.1:8080"
        api_key_env = "STRAIT_API_KEY"

        [socket]
        path = "/etc/replayd.toml/replayd.sock"

        [state]
        dir = "/var/lib/replayd"

        [audit]
        key_file = "/etc/replayd/audit.key"
        """

    private func problems(_ toml: String, _ inspector: FakeFileInspector) throws -> [String] {
        let config = try ReplaydConfig.decode(toml: toml, file: "replayd.toml", environment: nil)
        let trust = FileTrust(effectiveUID: 998, inspector: inspector, accounts: FakeTrustAccounts())
        return config.fileTrustProblems(trust: trust, document: try TOMLParser.parse(toml)).map { problem in
            var problem = problem
            problem.file = "replayd.toml"
            #expect(problem.code == .untrustedFile)
            return problem.description
        }
    }

    @Test func eachProblemNamesItsKeyAndLine() throws {
        var inspector = FakeFileInspector()
        inspector.files = [
            "/etc/replayd.toml": .file(owner: 0, 0o640),
            "/var/lib/replayd": .directory(owner: 1001, 0o755),
            "/etc/replayd/audit.key": .file(owner: 998, 0o660),
        ]
        inspector.writable = ["/var/lib/replayd"]
        #expect(
            try problems(Self.toml, inspector) == [
                "replayd.toml:6: socket.path: socket directory /etc/replayd.toml is a regular file, not a directory; "
                    + "fix: move it away or configure another path",
                "replayd.toml:9: state.dir: state directory /var/lib/replayd is owned by uid 1001 (alice) (mode 0755), "
                    + "not by replayd (uid 998) or root, so another user controls it; "
                    + "fix: chown replayd /var/lib/replayd && chmod 0700 /var/lib/replayd",
                "replayd.toml:12: audit.key_file: audit key /etc/replayd/audit.key has mode 0660, so other users can "
                    + "read or change it; fix: chmod 0600 /etc/replayd/audit.key",
            ]
        )
    }

    @Test func aSafeSetupHasNoProblemsAndMissingDefaultsAreCreatable() throws {
        var inspector = FakeFileInspector()
        inspector.files = [
            "/": .directory(owner: 0, 0o755),
            "/run/replayd": .directory(owner: 998, 0o750),
            "/var/lib/replayd": .directory(owner: 998, 0o700),
        ]
        inspector.writable = ["/run/replayd", "/var/lib/replayd"]
        let toml = """
            [upstream]
            base_url = "http://127.0.0.1:8080"
            api_key_env = "STRAIT_API_KEY"

            [socket]
            path = "/run/replayd/replayd.sock"
            """
        #expect(try problems(toml, inspector) == [])
    }

    @Test func aSymlinkedLockOrAForeignFileAtTheSocketPathIsReported() throws {
        var inspector = FakeFileInspector()
        inspector.files = [
            "/run/replayd": .directory(owner: 998, 0o750),
            "/run/replayd/replayd.sock.lock": .link,
            "/run/replayd/replayd.sock": .file(owner: 1001, 0o644),
            "/var/lib/replayd": .directory(owner: 998, 0o700),
        ]
        inspector.writable = ["/run/replayd", "/var/lib/replayd"]
        let toml = """
            [upstream]
            base_url = "http://127.0.0.1:8080"
            api_key_env = "STRAIT_API_KEY"
            [socket]
            path = "/run/replayd/replayd.sock"
            """
        #expect(
            try problems(toml, inspector) == [
                "replayd.toml:5: socket.path: lock file /run/replayd/replayd.sock.lock is a symbolic link; replayd "
                    + "does not follow symbolic links; fix: rm /run/replayd/replayd.sock.lock (replayd creates it)",
                "replayd.toml:5: socket.path: socket path /run/replayd/replayd.sock is taken by a regular file; "
                    + "replayd removes only a stale socket; fix: move it away or configure another socket.path",
            ]
        )
    }

    @Test func aDefaultedPathNamesTheStateDirectoryKey() throws {
        var inspector = FakeFileInspector()
        inspector.files = [
            "/run/replayd": .directory(owner: 998, 0o750),
            "/var/lib/replayd": .directory(owner: 998, 0o700),
            "/var/lib/replayd/audit.key": .file(owner: 1001, 0o600),
        ]
        inspector.writable = ["/run/replayd", "/var/lib/replayd"]
        let toml = """
            [upstream]
            base_url = "http://127.0.0.1:8080"
            api_key_env = "STRAIT_API_KEY"
            [socket]
            path = "/run/replayd/replayd.sock"
            """
        let found = try problems(toml, inspector)
        #expect(found.count == 1)
        #expect(
            found.first?.hasPrefix("replayd.toml: state.dir: audit key /var/lib/replayd/audit.key is owned by") == true
        )
    }

    /// An audit directory that cannot be made is the audit log's to report (it starts degraded); one another user
    /// controls is refused.
    @Test func theAuditDirectoryIsJudgedOnlyWhenItExists() throws {
        var inspector = FakeFileInspector()
        inspector.files = [
            "/run/replayd": .directory(owner: 998, 0o750),
            "/var/lib/replayd": .directory(owner: 998, 0o700),
            "/srv/file": .file(owner: 998, 0o600),
            "/srv/audit": .directory(owner: 1001, 0o750),
        ]
        inspector.failures = ["/srv/file/audit": ENOTDIR]
        inspector.writable = ["/run/replayd", "/var/lib/replayd"]
        let toml = """
            [upstream]
            base_url = "http://127.0.0.1:8080"
            api_key_env = "STRAIT_API_KEY"
            [socket]
            path = "/run/replayd/replayd.sock"
            [audit]
            dir = "DIR"
            """
        #expect(try problems(toml.replacingOccurrences(of: "DIR", with: "/srv/file/audit"), inspector) == [])
        let foreign = try problems(toml.replacingOccurrences(of: "DIR", with: "/srv/audit"), inspector)
        #expect(foreign.count == 1)
        #expect(
            foreign.first?.hasPrefix("replayd.toml:7: audit.dir: audit directory /srv/audit is owned by uid 1001")
                == true
        )
    }
}
