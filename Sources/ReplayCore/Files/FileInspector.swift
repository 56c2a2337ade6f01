/// Looks at files without opening them. A seam, so that tests can model a file owned by another user, or a
/// directory replayd cannot write, without needing another real user.
public protocol FileInspector: Sendable {
    /// The `lstat(2)` of `path` (a symbolic link is reported as one, not followed).
    ///
    /// - Returns: `nil` when nothing is at `path` (`ENOENT`).
    /// - Throws: `FileInspectionFailure` for any other failure, such as `ENOTDIR` (a component is a file) or
    ///   `EACCES`.
    func status(atPath path: String) throws(FileInspectionFailure) -> FileStatus?

    /// Whether this process may create and remove entries in the directory at `path` (write and search
    /// permission, judged with the effective ids).
    func canModifyDirectory(atPath path: String) -> Bool
}
