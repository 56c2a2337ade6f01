#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What `lstat(2)` or `fstat(2)` says about one file, reduced to what ``FileTrust`` judges: its type, its owner and
/// its permission bits.
public struct FileStatus: Sendable, Hashable {
    /// The file's type.
    public enum Kind: Sendable, Hashable {
        /// A regular file.
        case regular
        /// A directory.
        case directory
        /// A symbolic link (only `lstat` reports one).
        case symbolicLink
        /// A Unix domain socket.
        case socket
        /// Anything else: a FIFO, a device.
        case other
    }

    /// The file's type.
    public var kind: Kind
    /// The owner's uid.
    public var ownerID: UInt32
    /// The group's gid.
    public var groupID: UInt32
    /// The permission bits, `mode & 0o7777`.
    public var permissions: UInt32

    /// Creates a status.
    public init(kind: Kind, ownerID: UInt32, groupID: UInt32 = 0, permissions: UInt32) {
        self.kind = kind
        self.ownerID = ownerID
        self.groupID = groupID
        self.permissions = permissions
    }

    /// The status in a `stat` buffer.
    public init(_ info: stat) {
        let kind: Kind =
            switch info.st_mode & S_IFMT {
            case S_IFREG: .regular
            case S_IFDIR: .directory
            case S_IFLNK: .symbolicLink
            case S_IFSOCK: .socket
            default: .other
            }
        self.init(
            kind: kind,
            ownerID: UInt32(info.st_uid),
            groupID: UInt32(info.st_gid),
            permissions: UInt32(info.st_mode) & 0o7777
        )
    }

    /// The permission bits as four octal digits, `0750`-style.
    public var octalPermissions: String {
        let digits = String(permissions, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// `directory`, `regular file`, `symbolic link`…, for messages.
    var kindName: String {
        switch kind {
        case .regular: "regular file"
        case .directory: "directory"
        case .symbolicLink: "symbolic link"
        case .socket: "socket"
        case .other: "special file"
        }
    }
}
