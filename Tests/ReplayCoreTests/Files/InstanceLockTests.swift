import Foundation
import Testing

@testable import ReplayCore

#if canImport(Glibc)
import Glibc
#endif

/// The instance lock: one holder per socket path, its pid in the refusal, no symbolic link followed.
@Suite struct InstanceLockTests {
    private func lockError(_ body: () throws(InstanceLockError) -> Void) -> InstanceLockError? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }

    @Test func aSecondHolderIsRefusedWithTheFirstHoldersPid() throws {
        try withTemporaryDirectory { directory in
            let socket = directory + "/run/replayd.sock"
            let first = try InstanceLock.acquire(socketPath: socket, groupID: nil, trust: .system())
            var info = stat()
            #expect(lstat(directory + "/run", &info) == 0)
            #expect(info.st_mode & 0o7777 == 0o750, "the socket directory is created 0750")
            #expect(lstat(first.path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
            let error = lockError { () throws(InstanceLockError) in
                _ = try InstanceLock.acquire(socketPath: socket, groupID: nil, trust: .system())
            }
            #expect(error?.code == .alreadyRunning)
            #expect(error?.holderPID == getpid())
            #expect(
                error?.message
                    == "replayd is already running on \(socket) (pid \(getpid()); lock \(socket).lock is held)"
            )
            first.release()
            let again = try InstanceLock.acquire(socketPath: socket, groupID: nil, trust: .system())
            again.release()
        }
    }

    @Test func aSymlinkedLockFileIsRefusedAndItsTargetNotCreated() throws {
        try withTemporaryDirectory { directory in
            let socket = directory + "/replayd.sock"
            let target = directory + "/planted"
            #expect(symlink(target, socket + ".lock") == 0)
            let error = lockError { () throws(InstanceLockError) in
                _ = try InstanceLock.acquire(socketPath: socket, groupID: nil, trust: .system())
            }
            #expect(error?.code == .untrusted)
            #expect(error?.trust?.code == .symbolicLink)
            #expect(
                error?.message
                    == "lock file \(socket).lock is a symbolic link; replayd does not follow symbolic links; "
                    + "fix: rm \(socket).lock (replayd creates it)"
            )
            var info = stat()
            #expect(lstat(target, &info) != 0, "nothing was created where the link points")
        }
    }

    @Test func aLockFileOthersCanWriteIsRefused() throws {
        try withTemporaryDirectory { directory in
            let socket = directory + "/replayd.sock"
            try writeFile(socket + ".lock", "", mode: 0o666)
            let error = lockError { () throws(InstanceLockError) in
                _ = try InstanceLock.acquire(socketPath: socket, groupID: nil, trust: .system())
            }
            #expect(error?.code == .untrusted)
            #expect(error?.message.contains("lock file \(socket).lock has mode 0666") == true)
        }
    }

    @Test func anUnsafeSocketDirectoryIsRefusedBeforeTheLockIsCreated() throws {
        try withTemporaryDirectory { directory in
            let run = directory + "/run"
            #expect(mkdir(run, 0o777) == 0)
            #expect(chmod(run, 0o777) == 0)
            let error = lockError { () throws(InstanceLockError) in
                _ = try InstanceLock.acquire(socketPath: run + "/replayd.sock", groupID: nil, trust: .system())
            }
            #expect(error?.code == .untrusted)
            #expect(error?.message.contains("socket directory \(run) has mode 0777") == true)
            #expect(error?.message.hasSuffix("fix: chmod 0750 \(run)") == true)
            var info = stat()
            #expect(lstat(run + "/replayd.sock.lock", &info) != 0)
        }
    }
}
