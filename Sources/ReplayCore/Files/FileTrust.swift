#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// replayd's trust model for the files it uses, like OpenSSH's `StrictModes`: a directory or key file is used only
/// if its owner is the daemon's effective uid or root, and no other user can change it.
///
/// - A **directory** (socket, state, audit) must be a real directory (not a symbolic link), owned by the daemon's
///   euid or root, and not writable by group or others. It may be group- or world-readable. A directory replayd
///   creates gets the mode given for it (see ``DirectoryRole``).
/// - A **key file** (audit key, checkpoint signing key, `*_file` secrets) must be a regular file (not a symbolic
///   link), owned by the daemon's euid or root, not writable by its group, and neither readable, writable nor
///   executable by others: `0600`, `0400` or `0640` (a root-owned key given to the service user's group).
/// - A **private file** (the instance lock) must be a regular file owned by the euid or root that neither group nor
///   others can write.
///
/// The euid, the `lstat` and the account names come in through ``init(effectiveUID:inspector:accounts:)``, so tests
/// model another user's files without needing another user.
public struct FileTrust: Sendable {
    /// The uid the daemon runs as; it and root are the only trusted owners.
    public let effectiveUID: UInt32
    private let inspector: any FileInspector
    private let accounts: any UnixAccounts

    /// Creates the policy.
    public init(effectiveUID: UInt32, inspector: any FileInspector, accounts: any UnixAccounts) {
        self.effectiveUID = effectiveUID
        self.inspector = inspector
        self.accounts = accounts
    }

    /// The policy for this process: its effective uid, the real file system and the system's accounts.
    public static func system() -> FileTrust {
        FileTrust(effectiveUID: geteuid(), inspector: SystemFileInspector(), accounts: SystemUnixAccounts())
    }

    // MARK: - Judging a status

    /// Why a directory with `status` at `path` is not trusted, or `nil` when it is.
    public func problem(withDirectory status: FileStatus, at path: String, role: DirectoryRole) -> FileTrustError? {
        if let problem = problem(withType: status, expected: .directory, at: path, what: role.name) {
            return problem
        }
        if !isTrustedOwner(status.ownerID) {
            return untrustedOwner(status, at: path, what: role.name, mode: role.mode)
        }
        if status.permissions & 0o022 != 0 {
            return FileTrustError(
                code: .unsafeMode,
                path: path,
                message: "\(role.name) \(path) has mode \(status.octalPermissions), so other users can write to it",
                fix: "chmod \(octal(role.mode)) \(path)"
            )
        }
        return nil
    }

    /// Why a key file with `status` at `path` is not trusted, or `nil` when it is. `what` names it in the message
    /// (`audit key`, `secret file`).
    public func problem(withKeyFile status: FileStatus, at path: String, what: String) -> FileTrustError? {
        if let problem = problem(withType: status, expected: .regular, at: path, what: what) {
            return problem
        }
        if !isTrustedOwner(status.ownerID) {
            return untrustedOwner(status, at: path, what: what, mode: 0o600)
        }
        if status.permissions & 0o027 != 0 {
            return FileTrustError(
                code: .unsafeMode,
                path: path,
                message: "\(what) \(path) has mode \(status.octalPermissions), so other users can read or change it",
                fix: "chmod 0600 \(path)"
            )
        }
        return nil
    }

    /// Why a private file (the instance lock) with `status` at `path` is not trusted, or `nil` when it is.
    public func problem(withPrivateFile status: FileStatus, at path: String, what: String) -> FileTrustError? {
        if let problem = problem(withType: status, expected: .regular, at: path, what: what) {
            return problem
        }
        if !isTrustedOwner(status.ownerID) {
            return untrustedOwner(status, at: path, what: what, mode: 0o600)
        }
        if status.permissions & 0o022 != 0 {
            return FileTrustError(
                code: .unsafeMode,
                path: path,
                message: "\(what) \(path) has mode \(status.octalPermissions), so other users can write to it",
                fix: "chmod 0600 \(path)"
            )
        }
        return nil
    }

    // MARK: - Checking paths

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

    // MARK: - Helpers

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

    private func inspect(_ path: String, what: String) throws(FileTrustError) -> FileStatus? {
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

    private func problem(
        withType status: FileStatus,
        expected: FileStatus.Kind,
        at path: String,
        what: String
    ) -> FileTrustError? {
        if status.kind == .symbolicLink {
            return FileTrustError(
                code: .symbolicLink,
                path: path,
                message: "\(what) \(path) is a symbolic link; replayd does not follow symbolic links",
                fix: "configure the real path (readlink -f \(path))"
            )
        }
        guard status.kind == expected else {
            let wanted = expected == .directory ? "a directory" : "a regular file"
            return FileTrustError(
                code: .wrongType,
                path: path,
                message: "\(what) \(path) is a \(status.kindName), not \(wanted)",
                fix: "move it away or configure another path"
            )
        }
        return nil
    }

    private func untrustedOwner(_ status: FileStatus, at path: String, what: String, mode: UInt32) -> FileTrustError {
        FileTrustError(
            code: .untrustedOwner,
            path: path,
            message: "\(what) \(path) is owned by \(owner(status.ownerID)) (mode \(status.octalPermissions)), "
                + "not by \(effectiveUID == 0 ? "root" : "\(me) or root"), so another user controls it",
            fix: "chown \(meName) \(path) && chmod \(octal(mode)) \(path)"
        )
    }

    private func underAFile(
        _ path: String,
        ancestor: String,
        status: FileStatus,
        role: DirectoryRole
    ) -> FileTrustError {
        FileTrustError(
            code: .underAFile,
            path: path,
            message: "\(role.name) \(path) cannot be created: \(ancestor) is a \(status.kindName), not a directory",
            fix: "choose a path whose parents are directories"
        )
    }

    private func uninspectable(_ path: String, what: String, _ failure: FileInspectionFailure) -> FileTrustError {
        FileTrustError(code: .uninspectable, path: path, message: "cannot inspect \(what) \(path): \(failure.reason)")
    }

    private func systemError(_ what: String, path: String) -> FileTrustError {
        FileTrustError(code: .system, path: path, message: "\(what): \(String(cString: strerror(errno)))")
    }

    private func isTrustedOwner(_ uid: UInt32) -> Bool { uid == effectiveUID || uid == 0 }

    /// `uid 1001 (alice)` or `uid 1001`.
    private func owner(_ uid: UInt32) -> String {
        accounts.userName(ofUID: uid).map { "uid \(uid) (\($0))" } ?? "uid \(uid)"
    }

    /// The daemon's user for messages: `root`, or `replayd (uid 998)`.
    private var me: String {
        effectiveUID == 0 ? "root" : "\(meName) (uid \(effectiveUID))"
    }

    /// The daemon's user name for commands, or its uid.
    private var meName: String {
        effectiveUID == 0 ? "root" : accounts.userName(ofUID: effectiveUID) ?? "\(effectiveUID)"
    }

    private func octal(_ mode: UInt32) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The directory that holds `path` (`/` for a top-level entry).
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }
}
