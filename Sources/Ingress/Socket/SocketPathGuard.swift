#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Owns the socket's file-system footprint: the 0750 directory, the `flock`ed lock file that refuses a second
/// instance, the stale-socket check, and the unlink on clean shutdown.
///
/// Order (core-requirements §1): lock first, then look at the path. With the lock held, no live replayd can own
/// the socket, so an existing *socket* file is stale and may go; anything else (a regular file, a symlink) is left
/// alone and startup fails.
public final class SocketPathGuard: Sendable {
    /// The socket path.
    public let socketPath: String
    /// The lock file path (`<socket>.lock`).
    public let lockPath: String
    private let lockFD: Int32

    /// Prepares the directory and takes the lock.
    ///
    /// - Throws: `SocketServerError` with `.alreadyRunning` if another process holds the lock.
    public init(socketPath: String, groupID: UInt32?) throws(SocketServerError) {
        guard socketPath.hasPrefix("/") else {
            throw SocketServerError(.invalidPath, "socket path \(socketPath) must be absolute")
        }
        guard socketPath.utf8.count < 108 else {
            throw SocketServerError(
                .invalidPath,
                "socket path \(socketPath) is \(socketPath.utf8.count) bytes; the limit is 107"
            )
        }
        self.socketPath = socketPath
        self.lockPath = socketPath + ".lock"
        let directory = Self.parentDirectory(of: socketPath)
        try Self.prepareDirectory(directory, groupID: groupID)

        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SocketServerError(.system, "cannot open lock file \(lockPath): \(Self.errnoText())")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK {
                throw SocketServerError(
                    .alreadyRunning,
                    "replayd is already running on \(socketPath) (lock \(lockPath) is held)"
                )
            }
            throw SocketServerError(.system, "cannot lock \(lockPath): \(String(cString: strerror(code)))")
        }
        self.lockFD = fd
        do {
            try removeStaleSocket()
        } catch {
            close(fd)
            throw error
        }
    }

    /// Unlinks the socket (only if it is still a socket) and releases the lock. Call once, on clean shutdown.
    public func release() {
        var info = stat()
        if lstat(socketPath, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK {
            unlink(socketPath)
        }
        flock(lockFD, LOCK_UN)
        close(lockFD)
    }

    private func removeStaleSocket() throws(SocketServerError) {
        var info = stat()
        guard lstat(socketPath, &info) == 0 else {
            guard errno == ENOENT else {
                throw SocketServerError(.system, "cannot inspect \(socketPath): \(Self.errnoText())")
            }
            return
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw SocketServerError(
                .pathOccupied,
                "\(socketPath) exists and is not a socket; refusing to remove it"
            )
        }
        guard unlink(socketPath) == 0 else {
            throw SocketServerError(.system, "cannot remove stale socket \(socketPath): \(Self.errnoText())")
        }
    }

    private static func prepareDirectory(_ directory: String, groupID: UInt32?) throws(SocketServerError) {
        var info = stat()
        if stat(directory, &info) != 0 {
            guard errno == ENOENT else {
                throw SocketServerError(.system, "cannot inspect \(directory): \(errnoText())")
            }
            let parent = parentDirectory(of: directory)
            if parent != directory { try prepareParents(parent) }
            guard mkdir(directory, 0o750) == 0 || errno == EEXIST else {
                throw SocketServerError(.system, "cannot create \(directory): \(errnoText())")
            }
            // mkdir is subject to the umask; set the mode explicitly.
            chmod(directory, 0o750)
            if let groupID { chown(directory, UInt32.max, groupID) }
        } else if info.st_mode & S_IFMT != S_IFDIR {
            throw SocketServerError(.invalidPath, "\(directory) is not a directory")
        }
    }

    private static func prepareParents(_ directory: String) throws(SocketServerError) {
        var info = stat()
        if stat(directory, &info) == 0 { return }
        let parent = parentDirectory(of: directory)
        if parent != directory { try prepareParents(parent) }
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
            throw SocketServerError(.system, "cannot create \(directory): \(errnoText())")
        }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
