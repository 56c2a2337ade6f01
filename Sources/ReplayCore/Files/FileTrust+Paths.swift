#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checking and preparing paths: what `serve` and `config check` call, on top of the rules in ``FileTrust``.
extension FileTrust {
    /// Checks the directory at `path`, which must exist.
    public func checkDirectory(_ path: String, role: DirectoryRole) throws(FileTrustError) {
        guard let status = try inspect(path, what: role.name) else {
            throw FileTrustError(code: .wrongType, path: path, message: "\(role.name) \(path) does not exist")
        }
        try checkExistingDirectory(status, at: path, role: role)
    }

    /// Checks the directory at `path` if it exists; when it does not, checks that it can be created: its nearest
    /// existing ancestor must be a directory that this process can write. Creates nothing (for `config check`).
    public func checkDirectoryOrCreatable(_ path: String, role: DirectoryRole) throws(FileTrustError) {
        if let status = try inspect(path, what: role.name) {
            try checkExistingDirectory(status, at: path, role: role)
            return
        }
        var ancestor = Self.parentDirectory(of: path)
        while true {
            let status: FileStatus?
            do {
                status = try inspector.status(atPath: ancestor)
            } catch  where error.code == ENOTDIR {
                ancestor = Self.parentDirectory(of: ancestor)
                continue
            } catch {
                throw uninspectable(ancestor, what: role.name, error)
            }
            if let status {
                guard status.kind == .directory else {
                    throw underAFile(path, ancestor: ancestor, status: status, role: role)
                }
                guard inspector.canModifyDirectory(atPath: ancestor) else {
                    throw FileTrustError(
                        code: .notWritable,
                        path: path,
                        message: "\(role.name) \(path) does not exist and cannot be created: \(me) cannot write "
                            + "to \(ancestor)",
                        fix: "install -d -m \(octal(role.mode)) -o \(meName) \(path)"
                    )
                }
                return
            }
            let parent = Self.parentDirectory(of: ancestor)
            if parent == ancestor { return }
            ancestor = parent
        }
    }

    /// Creates the directory at `path` with `role.mode` (missing parents get `0755`), giving it `groupID` when set,
    /// or checks it when it exists. Either way it ends up trusted and writable, or this throws.
    public func prepareDirectory(_ path: String, role: DirectoryRole, groupID: UInt32? = nil) throws(FileTrustError) {
        if let status = try inspect(path, what: role.name) {
            try checkExistingDirectory(status, at: path, role: role)
            return
        }
        try checkDirectoryOrCreatable(path, role: role)
        try makeParents(of: path, role: role)
        guard mkdir(path, mode_t(role.mode)) == 0 || errno == EEXIST else {
            throw systemError("cannot create \(role.name) \(path)", path: path)
        }
        // Whoever won a race to the name, what is there now must pass the checks.
        guard let status = try inspect(path, what: role.name) else {
            throw FileTrustError(code: .system, path: path, message: "\(role.name) \(path) vanished after mkdir")
        }
        if status.kind == .directory, status.ownerID == effectiveUID {
            // mkdir is subject to the umask; set the documented mode exactly.
            guard chmod(path, mode_t(role.mode)) == 0 else {
                throw systemError("cannot chmod \(role.name) \(path)", path: path)
            }
            if let groupID, chown(path, UInt32.max, groupID) != 0 {
                throw systemError("cannot give \(role.name) \(path) to gid \(groupID)", path: path)
            }
        }
        try checkDirectory(path, role: role)
    }

    /// Checks the key file at `path` without opening it. A missing file passes when `mayBeMissing` (it will be
    /// created); otherwise it is an error.
    public func checkKeyFile(_ path: String, what: String, mayBeMissing: Bool) throws(FileTrustError) {
        guard let status = try inspect(path, what: what) else {
            if mayBeMissing { return }
            throw FileTrustError(code: .wrongType, path: path, message: "\(what) \(path) does not exist")
        }
        if let problem = problem(withKeyFile: status, at: path, what: what) { throw problem }
    }

    /// Checks who controls the directory at `path` when there is one; a missing or unreachable directory, or one
    /// this process cannot write, passes (the audit log reports those itself, and starts degraded).
    public func checkDirectoryIfPresent(_ path: String, role: DirectoryRole) throws(FileTrustError) {
        let status: FileStatus?
        do {
            status = try inspect(path, what: role.name)
        } catch  where error.code == .underAFile {
            return
        }
        guard let status else { return }
        if let problem = problem(withDirectory: status, at: path, role: role) { throw problem }
    }

    /// Checks the private file (the instance lock) at `path` when there is one.
    public func checkPrivateFileIfPresent(_ path: String, what: String) throws(FileTrustError) {
        guard let status = try inspect(path, what: what) else { return }
        guard var problem = problem(withPrivateFile: status, at: path, what: what) else { return }
        if problem.code == .symbolicLink {
            problem.fix = "rm \(path) (replayd creates it)"
        }
        throw problem
    }

    /// Checks that whatever is at the socket path, if anything, is a socket (which `serve` replaces when stale);
    /// replayd never removes anything else.
    public func checkSocketIfPresent(_ path: String) throws(FileTrustError) {
        guard let status = try inspect(path, what: "socket path"), status.kind != .socket else { return }
        throw FileTrustError(
            code: .wrongType,
            path: path,
            message: "socket path \(path) is taken by a \(status.kindName); replayd removes only a stale socket",
            fix: "move it away or configure another socket.path"
        )
    }

    private func checkExistingDirectory(
        _ status: FileStatus,
        at path: String,
        role: DirectoryRole
    ) throws(FileTrustError) {
        if let problem = problem(withDirectory: status, at: path, role: role) { throw problem }
        guard inspector.canModifyDirectory(atPath: path) else {
            throw FileTrustError(
                code: .notWritable,
                path: path,
                message: "\(role.name) \(path) (owner \(owner(status.ownerID)), mode \(status.octalPermissions)) "
                    + "is not writable by \(me)",
                fix: "chown \(meName) \(path) && chmod \(octal(role.mode)) \(path)"
            )
        }
    }

    private func makeParents(of path: String, role: DirectoryRole) throws(FileTrustError) {
        let parent = Self.parentDirectory(of: path)
        guard parent != path else { return }
        if (try? inspector.status(atPath: parent)) != nil { return }
        try makeParents(of: parent, role: role)
        guard mkdir(parent, 0o755) == 0 || errno == EEXIST else {
            throw systemError("cannot create \(parent) for the \(role.name)", path: parent)
        }
    }

    func inspect(_ path: String, what: String) throws(FileTrustError) -> FileStatus? {
        do {
            return try inspector.status(atPath: path)
        } catch  where error.code == ENOTDIR {
            throw FileTrustError(
                code: .underAFile,
                path: path,
                message: "\(what) \(path) is under a file that is not a directory",
                fix: "choose a path whose parents are directories"
            )
        } catch {
            throw uninspectable(path, what: what, error)
        }
    }
}
