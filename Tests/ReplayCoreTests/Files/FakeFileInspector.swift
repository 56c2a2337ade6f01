@testable import ReplayCore

#if canImport(Glibc)
import Glibc
#endif

/// A file system made of statuses: what `lstat` says for each path, which `lstat`s fail, and which directories
/// the process may write. Anything not listed does not exist.
struct FakeFileInspector: FileInspector {
    var files: [String: FileStatus] = [:]
    var failures: [String: Int32] = [:]
    var writable: Set<String> = []

    func status(atPath path: String) throws(FileInspectionFailure) -> FileStatus? {
        if let code = failures[path] {
            throw FileInspectionFailure(code: code, reason: String(cString: strerror(code)))
        }
        return files[path]
    }

    func canModifyDirectory(atPath path: String) -> Bool { writable.contains(path) }
}

/// Two accounts: `replayd` (uid 998) and `alice` (uid 1001), plus root.
struct FakeTrustAccounts: UnixAccounts {
    func uid(ofUser name: String) -> UInt32? { nil }
    func gid(ofGroup name: String) -> UInt32? { nil }
    func userName(ofUID uid: UInt32) -> String? {
        switch uid {
        case 0: "root"
        case 998: "replayd"
        case 1001: "alice"
        default: nil
        }
    }
    func groupIDs(ofUID uid: UInt32, primaryGID: UInt32) -> Set<UInt32> { [primaryGID] }
}

extension FileStatus {
    static func directory(owner: UInt32, _ permissions: UInt32) -> FileStatus {
        FileStatus(kind: .directory, ownerID: owner, permissions: permissions)
    }

    static func file(owner: UInt32, _ permissions: UInt32) -> FileStatus {
        FileStatus(kind: .regular, ownerID: owner, permissions: permissions)
    }

    static let link = FileStatus(kind: .symbolicLink, ownerID: 1001, permissions: 0o777)
}
