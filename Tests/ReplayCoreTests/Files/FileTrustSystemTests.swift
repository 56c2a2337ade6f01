import Foundation
import Testing

@testable import ReplayCore

#if canImport(Glibc)
import Glibc
#endif

/// The trust model on the real file system. CI runs as root, so these can make a directory that really belongs to
/// another user (`nobody`, uid 65534); as another user those cases are skipped (the modelled ones in
/// `FileTrustTests` still run).
@Suite struct FileTrustSystemTests {
    static let runningAsRoot = geteuid() == 0

    private func refusal(_ body: () throws(FileTrustError) -> Void) -> FileTrustError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func aCreatedStateDirectoryGetsExactlyMode0700() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/var/lib/replayd"
            try FileTrust.system().prepareDirectory(path, role: .state)
            var info = stat()
            #expect(lstat(path, &info) == 0)
            #expect(info.st_mode & S_IFMT == S_IFDIR)
            #expect(info.st_mode & 0o7777 == 0o700, "whatever the umask")
            // Found again: it is checked, not changed.
            try FileTrust.system().prepareDirectory(path, role: .state)
        }
    }

    @Test(.enabled(if: runningAsRoot, "needs root to give a directory to another user"))
    func anotherUsersDirectoryIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/run"
            #expect(mkdir(path, 0o777) == 0)
            #expect(chmod(path, 0o777) == 0)
            #expect(chown(path, 65534, 65534) == 0)
            let error = refusal { () throws(FileTrustError) in
                try FileTrust.system().prepareDirectory(path, role: .socket)
            }
            #expect(error?.code == .untrustedOwner)
            #expect(error?.message.contains("socket directory \(path) is owned by uid 65534") == true)
            #expect(error?.message.contains("(mode 0777)") == true)
            #expect(error?.fix == "chown root \(path) && chmod 0750 \(path)")
        }
    }

    @Test func aSymlinkedStateDirectoryIsRefusedAndNotFollowed() throws {
        try withTemporaryDirectory { directory in
            let target = directory + "/elsewhere"
            let link = directory + "/state"
            #expect(mkdir(target, 0o700) == 0)
            #expect(symlink(target, link) == 0)
            let error = refusal { () throws(FileTrustError) in
                try FileTrust.system().prepareDirectory(link, role: .state)
            }
            #expect(error?.code == .symbolicLink)
            #expect(
                error?.description
                    == "state directory \(link) is a symbolic link; replayd does not follow symbolic links; "
                    + "fix: configure the real path (readlink -f \(link))"
            )
        }
    }

    @Test func aGroupWritableKeyIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/audit.key"
            try writeFile(path, String(repeating: "k", count: 64), mode: 0o660)
            let error = refusal { () throws(FileTrustError) in
                try FileTrust.system().checkKeyFile(path, what: "audit key", mayBeMissing: false)
            }
            #expect(error?.code == .unsafeMode)
            #expect(error?.description.contains("audit key \(path) has mode 0660") == true)
            #expect(error?.fix == "chmod 0600 \(path)")
        }
    }

    @Test func aGroupWritableSecretFileIsRefusedWhenLoaded() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/strait.key"
            try writeFile(path, "secret-value", mode: 0o620)
            do throws(ConfigError) {
                _ = try SecretReference.file(path).resolve(environment: [:])
                Issue.record("accepted a group-writable secret file")
            } catch {
                #expect(error.code == .secret)
                #expect(
                    error.message
                        == "secret file \(path) has mode 0620, so other users can read or change it; "
                        + "fix: chmod 0600 \(path)"
                )
                #expect(!error.description.contains("secret-value"))
            }
        }
    }

    @Test(.enabled(if: runningAsRoot, "needs root to give a file to another user"))
    func aSecretFilePlantedByAnotherUserIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/strait.key"
            try writeFile(path, "secret-value", mode: 0o600)
            #expect(chown(path, 65534, 65534) == 0)
            #expect(throws: ConfigError.self) {
                try SecretReference.file(path).resolve(environment: [:])
            }
            // The same file, judged as its owner, is fine.
            let asNobody = FileTrust(
                effectiveUID: 65534,
                inspector: SystemFileInspector(),
                accounts: SystemUnixAccounts()
            )
            #expect(try SecretReference.file(path).resolve(environment: [:], trust: asNobody).byteCount == 12)
        }
    }
}
