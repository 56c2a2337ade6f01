#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ``FileInspector`` on the real file system: `lstat(2)` and `faccessat(2)` with `AT_EACCESS`.
public struct SystemFileInspector: FileInspector {
    /// Creates the inspector.
    public init() {}

    public func status(atPath path: String) throws(FileInspectionFailure) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { return nil }
            throw FileInspectionFailure(code: code, reason: String(cString: strerror(code)))
        }
        return FileStatus(info)
    }

    public func canModifyDirectory(atPath path: String) -> Bool {
        faccessat(AT_FDCWD, path, W_OK | X_OK, AT_EACCESS) == 0
    }
}
