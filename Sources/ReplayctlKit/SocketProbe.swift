#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Finds out why replayd's socket could not be used: looks at the path with `lstat`/`stat`, then connects once
/// (non-blocking, so it never waits) to read the system's own error. Used after libcurl reports that it could not
/// connect, whose text ("port 80") would only mislead.
public enum SocketProbe {
    /// The problem with `path`, or `nil` when a connect succeeds now (replayd came up meanwhile).
    public static func diagnose(path: String) -> SocketProblem? {
        var info = stat()
        if lstat(path, &info) != 0 {
            let error = errno
            switch error {
            case ENOENT, ENOTDIR: return .noSocket
            case EACCES: return .permissionDenied(group: nil, onDirectory: blockingDirectory(of: path))
            case ENAMETOOLONG: return .pathTooLong
            default: return .other(systemText(error))
            }
        }
        var target = info
        if info.st_mode & S_IFMT == S_IFLNK {
            guard stat(path, &target) == 0 else {
                return errno == ENOENT ? .noSocket : .other(systemText(errno))
            }
        }
        guard target.st_mode & S_IFMT == S_IFSOCK else { return .notASocket(kind: kind(of: target.st_mode)) }
        switch connectError(path: path) {
        case 0: return nil
        case EACCES, EPERM: return .permissionDenied(group: groupName(target.st_gid), onDirectory: nil)
        case ECONNREFUSED: return .nobodyListening
        case ENOENT: return .noSocket
        case ENAMETOOLONG: return .pathTooLong
        case let error: return .other(systemText(error))
        }
    }

    /// `errno` of a non-blocking connect to `path`, 0 on success. `EAGAIN` (a full backlog) counts as a
    /// success: something listens there.
    static func connectError(path: String) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return ENAMETOOLONG }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
            raw[bytes.count] = 0
        }
        let descriptor = socket(
            AF_UNIX,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue),
            0
        )
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result != 0 else { return 0 }
        let error = errno
        return error == EAGAIN || error == EINPROGRESS ? 0 : error
    }

    /// The first directory on the way to `path` that the caller cannot search, when there is one.
    static func blockingDirectory(of path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/").dropLast() {
            prefix += "/" + component
            if access(prefix, X_OK) != 0, errno == EACCES { return prefix }
        }
        return nil
    }

    /// The name of group `gid`, or the number when it has none.
    static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return String(gid) }
        return String(cString: name)
    }

    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a named pipe"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        default: return "not a socket"
        }
    }

    static func systemText(_ error: Int32) -> String {
        String(cString: strerror(error))
    }
}
