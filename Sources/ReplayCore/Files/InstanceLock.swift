import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The lock that makes one replayd per socket path: an exclusive `flock(2)` on `<socket>.lock`, taken before
/// replayd writes anything (the audit log, the replay store), and held for the life of the process.
///
/// Taking it first prepares the socket directory (created `0750`, or checked by ``FileTrust``), then opens the lock
/// file with `O_NOFOLLOW | O_CLOEXEC` (a symbolic link planted at the lock path is refused, never followed) and
/// checks the opened file's owner and mode. The holder writes its pid into the file, so a refused second instance
/// can say who holds it.
public final class InstanceLock: Sendable {
    /// The socket path the lock guards.
    public let socketPath: String
    /// The lock file: `<socket>.lock`.
    public let path: String
    private let descriptor: Mutex<Int32>

    private init(socketPath: String, path: String, descriptor: Int32) {
        self.socketPath = socketPath
        self.path = path
        self.descriptor = Mutex(descriptor)
    }

    deinit {
        release()
    }

    /// Prepares the socket's directory and takes the lock for `socketPath`.
    ///
    /// - Parameters:
    ///   - groupID: the group given to the socket directory when it is created.
    ///   - trust: judges the directory and the lock file.
    /// - Throws: ``InstanceLockError`` with ``InstanceLockError/Code/alreadyRunning`` when another process holds
    ///   the lock, ``InstanceLockError/Code/untrusted`` when the directory or the lock file is not safe.
    public static func acquire(
        socketPath: String,
        groupID: UInt32?,
        trust: FileTrust
    ) throws(InstanceLockError) -> InstanceLock {
        let lockPath = socketPath + ".lock"
        do {
            try trust.prepareDirectory(FileTrust.parentDirectory(of: socketPath), role: .socket, groupID: groupID)
        } catch {
            throw .untrusted(error)
        }
        let fd = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0o600)
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP {
                throw .untrusted(
                    FileTrustError(
                        code: .symbolicLink,
                        path: lockPath,
                        message: "lock file \(lockPath) is a symbolic link; replayd does not follow symbolic links",
                        fix: "rm \(lockPath) (replayd creates it)"
                    )
                )
            }
            throw InstanceLockError(code: .system, message: "cannot open lock file \(lockPath): \(text(code))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw InstanceLockError(code: .system, message: "cannot inspect lock file \(lockPath): \(text(code))")
        }
        if let problem = trust.problem(withPrivateFile: FileStatus(info), at: lockPath, what: "lock file") {
            close(fd)
            throw .untrusted(problem)
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = readPID(fd)
            close(fd)
            if code == EWOULDBLOCK {
                let who = holder.map { "pid \($0); " } ?? ""
                throw InstanceLockError(
                    code: .alreadyRunning,
                    message: "replayd is already running on \(socketPath) (\(who)lock \(lockPath) is held)",
                    holderPID: holder
                )
            }
            throw InstanceLockError(code: .system, message: "cannot lock \(lockPath): \(text(code))")
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 {
            _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        }
        return InstanceLock(socketPath: socketPath, path: lockPath, descriptor: fd)
    }

    /// Releases the lock (the file stays, so that the next holder locks the same inode). Idempotent.
    public func release() {
        descriptor.withLock { fd in
            guard fd >= 0 else { return }
            flock(fd, LOCK_UN)
            close(fd)
            fd = -1
        }
    }

    /// The pid a holder wrote into the lock file, if any.
    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let digits = buffer[0..<count].prefix { $0 >= 0x30 && $0 <= 0x39 }
        return Int32(String(decoding: digits, as: UTF8.self))
    }

    private static func text(_ code: Int32) -> String { String(cString: strerror(code)) }
}
