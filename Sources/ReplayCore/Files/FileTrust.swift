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
    let inspector: any FileInspector
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
        problem(
            with: status,
            expected: .directory,
            at: path,
            what: role.name,
            mode: role.mode,
            forbidden: (0o022, "other users can write to it")
        )
    }

    /// Why a key file with `status` at `path` is not trusted, or `nil` when it is. `what` names it in the message
    /// (`audit key`, `secret file`).
    public func problem(withKeyFile status: FileStatus, at path: String, what: String) -> FileTrustError? {
        problem(
            with: status,
            expected: .regular,
            at: path,
            what: what,
            mode: 0o600,
            forbidden: (0o027, "other users can read or change it")
        )
    }

    /// Why a private file (the instance lock) with `status` at `path` is not trusted, or `nil` when it is.
    public func problem(withPrivateFile status: FileStatus, at path: String, what: String) -> FileTrustError? {
        problem(
            with: status,
            expected: .regular,
            at: path,
            what: what,
            mode: 0o600,
            forbidden: (0o022, "other users can write to it")
        )
    }

    /// The three rules every trusted path follows: the right type, a trusted owner, none of the `forbidden` mode
    /// bits. `mode` is what the fix sets.
    private func problem(
        with status: FileStatus,
        expected type: FileStatus.Kind,
        at path: String,
        what: String,
        mode: UInt32,
        forbidden: (bits: UInt32, risk: String)
    ) -> FileTrustError? {
        if let problem = problem(withType: status, expected: type, at: path, what: what) {
            return problem
        }
        if !isTrustedOwner(status.ownerID) {
            return untrustedOwner(status, at: path, what: what, mode: mode)
        }
        if status.permissions & forbidden.bits != 0 {
            return FileTrustError(
                code: .unsafeMode,
                path: path,
                message: "\(what) \(path) has mode \(status.octalPermissions), so \(forbidden.risk)",
                fix: "chmod \(octal(mode)) \(path)"
            )
        }
        return nil
    }

    // MARK: - Helpers

    func problem(
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

    func untrustedOwner(_ status: FileStatus, at path: String, what: String, mode: UInt32) -> FileTrustError {
        FileTrustError(
            code: .untrustedOwner,
            path: path,
            message: "\(what) \(path) is owned by \(owner(status.ownerID)) (mode \(status.octalPermissions)), "
                + "not by \(effectiveUID == 0 ? "root" : "\(me) or root"), so another user controls it",
            fix: "chown \(meName) \(path) && chmod \(octal(mode)) \(path)"
        )
    }

    func underAFile(
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

    func uninspectable(_ path: String, what: String, _ failure: FileInspectionFailure) -> FileTrustError {
        FileTrustError(code: .uninspectable, path: path, message: "cannot inspect \(what) \(path): \(failure.reason)")
    }

    func systemError(_ what: String, path: String) -> FileTrustError {
        FileTrustError(code: .system, path: path, message: "\(what): \(String(cString: strerror(errno)))")
    }

    private func isTrustedOwner(_ uid: UInt32) -> Bool { uid == effectiveUID || uid == 0 }

    /// `uid 1001 (alice)` or `uid 1001`.
    func owner(_ uid: UInt32) -> String {
        accounts.userName(ofUID: uid).map { "uid \(uid) (\($0))" } ?? "uid \(uid)"
    }

    /// The daemon's user for messages: `root`, or `replayd (uid 998)`.
    var me: String {
        effectiveUID == 0 ? "root" : "\(meName) (uid \(effectiveUID))"
    }

    /// The daemon's user name for commands, or its uid.
    var meName: String {
        effectiveUID == 0 ? "root" : accounts.userName(ofUID: effectiveUID) ?? "\(effectiveUID)"
    }

    func octal(_ mode: UInt32) -> String {
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
