import ReplayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Owns the socket's file-system footprint: the instance lock (``InstanceLock``: the trusted `0750` directory and
/// the `flock`ed `<socket>.lock` that refuses a second instance), the stale-socket check, and the unlink on clean
/// shutdown.
///
/// Order (core-requirements §1): lock first, then look at the path. With the lock held, no live replayd can own
/// the socket, so an existing *socket* file is stale and may go; anything else (a regular file, a symlink) is left
/// alone and startup fails. The daemon takes the lock itself, before it writes anything, and hands it in; a guard
/// made without one takes (and on release, drops) its own.
public final class SocketPathGuard: Sendable {
    /// The socket path.
    public let socketPath: String
    /// The lock file path (`<socket>.lock`).
    public let lockPath: String
    private let lock: InstanceLock
    private let ownsLock: Bool

    /// Checks the path, takes the lock unless `lock` is given, and removes a stale socket.
    ///
    /// - Parameter lock: the instance lock for `socketPath`, already held by the caller; `nil` to take it here.
    /// - Throws: `SocketServerError` with `.alreadyRunning` if another process holds the lock, `.untrustedPath`
    ///   if the directory or the lock file fails ``FileTrust``.
    public init(socketPath: String, groupID: UInt32?, lock: InstanceLock? = nil) throws(SocketServerError) {
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
        if let lock {
            guard lock.socketPath == socketPath else {
                throw SocketServerError(.system, "the instance lock held is for \(lock.socketPath), not \(socketPath)")
            }
            self.lock = lock
            self.ownsLock = false
        } else {
            do {
                self.lock = try InstanceLock.acquire(socketPath: socketPath, groupID: groupID, trust: .system())
            } catch {
                throw SocketServerError(error)
            }
            self.ownsLock = true
        }
        do {
            try removeStaleSocket()
        } catch {
            if ownsLock { self.lock.release() }
            throw error
        }
    }

    /// Unlinks the socket (only if it is still a socket) and releases the lock if this guard took it. Call once,
    /// on clean shutdown.
    public func release() {
        var info = stat()
        if lstat(socketPath, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK {
            unlink(socketPath)
        }
        if ownsLock { lock.release() }
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

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
