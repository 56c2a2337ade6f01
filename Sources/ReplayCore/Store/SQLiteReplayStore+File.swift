import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension SQLiteReplayStore {
    /// Makes sure `path` is a regular file with mode `0600` before SQLite opens it.
    ///
    /// SQLite creates a missing file with `0644` (less the umask), and gives the `-wal` and `-shm` files the mode of
    /// the database file. So the file is created here, with `0600`, and `fsync`ed along with its directory so the
    /// new entry survives a power loss. A symbolic link is refused (`O_NOFOLLOW`; GRDB offers no way to pass
    /// `SQLITE_OPEN_NOFOLLOW`, so this open, in a state directory ``FileTrust`` has checked, is what guards the
    /// path), and so is a file owned by another user. An existing file whose mode lets the group or others in is
    /// tightened to `0600` (and so are existing `-wal` / `-shm` files), with a warning.
    static func prepareFile(at path: String, name: String, logger: Logger) throws(StoreError) {
        var created = true
        var descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if descriptor < 0 && errno == EEXIST {
            created = false
            descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        }
        guard descriptor >= 0 else {
            throw StoreError(.unavailable, "cannot create or open the \(name) at \(path): \(lastError())")
        }
        defer { closeDescriptor(descriptor) }

        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw StoreError(.unavailable, "cannot inspect the \(name) at \(path): \(lastError())")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw StoreError(.unavailable, "the \(name) at \(path) is not a regular file")
        }
        // The trust model: a database another user owns (planted before the state directory was made safe) could
        // be rewritten by them at will. Modes are tightened below; owners are not changed, only refused.
        let status = FileStatus(info)
        if status.ownerID != geteuid(), status.ownerID != 0,
            let problem = FileTrust.system().problem(withPrivateFile: status, at: path, what: "the \(name)")
        {
            throw StoreError(.unavailable, problem.description)
        }
        if created {
            // The mode passed to open(2) is reduced by the umask; set it exactly.
            guard fchmod(descriptor, 0o600) == 0, fsync(descriptor) == 0 else {
                throw StoreError(.unavailable, "cannot set up the \(name) at \(path): \(lastError())")
            }
            try syncDirectory(of: path, name: name)
            return
        }
        if info.st_mode & 0o077 != 0 {
            logger.warning(
                "\(name) file was readable by others; setting mode 0600",
                metadata: ["path": "\(path)", "mode": "\(String(info.st_mode & 0o777, radix: 8))"]
            )
            guard fchmod(descriptor, 0o600) == 0 else {
                throw StoreError(.unavailable, "cannot set mode 0600 on the \(name) at \(path): \(lastError())")
            }
        }
        for companion in [path + "-wal", path + "-shm"] {
            var companionInfo = stat()
            if lstat(companion, &companionInfo) == 0, companionInfo.st_mode & S_IFMT == S_IFREG,
                companionInfo.st_mode & 0o077 != 0
            {
                _ = chmod(companion, 0o600)
            }
        }
    }

    /// `fsync`s the directory holding `path`, so a newly created entry is durable.
    private static func syncDirectory(of path: String, name: String) throws(StoreError) {
        let directory: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        } else {
            directory = "."
        }
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError(.unavailable, "cannot open the \(name)'s directory \(directory): \(lastError())")
        }
        defer { closeDescriptor(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StoreError(.unavailable, "cannot sync the \(name)'s directory \(directory): \(lastError())")
        }
    }

    private static func lastError() -> String {
        String(cString: strerror(errno))
    }
}

/// `close(2)`, out of reach of `SQLiteReplayStore.close()`.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
