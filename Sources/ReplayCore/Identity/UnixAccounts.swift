#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Looks up Unix accounts. A seam, so tests can map identities without touching `/etc/passwd`.
public protocol UnixAccounts: Sendable {
    /// The uid of the user named `name`, or `nil`.
    func uid(ofUser name: String) -> UInt32?
    /// The gid of the group named `name`, or `nil`.
    func gid(ofGroup name: String) -> UInt32?
    /// The user name of `uid`, or `nil`.
    func userName(ofUID uid: UInt32) -> String?
    /// Every group `uid` belongs to: its primary group `primaryGID` plus its supplementary groups.
    func groupIDs(ofUID uid: UInt32, primaryGID: UInt32) -> Set<UInt32>
}

/// `UnixAccounts` from the system's NSS databases (`getpwnam_r`, `getgrnam_r`, `getgrouplist`).
public struct SystemUnixAccounts: UnixAccounts {
    /// Creates the lookup.
    public init() {}

    public func uid(ofUser name: String) -> UInt32? {
        withPasswd(name: name) { $0.pw_uid }
    }

    public func gid(ofGroup name: String) -> UInt32? {
        var group = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getgrnam_r(name, &group, &buffer, buffer.count, &result)
        guard status == 0, result != nil else { return nil }
        return group.gr_gid
    }

    public func userName(ofUID uid: UInt32) -> String? {
        var passwd = Glibc.passwd()
        var result: UnsafeMutablePointer<Glibc.passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getpwuid_r(uid, &passwd, &buffer, buffer.count, &result)
        guard status == 0, result != nil, let name = passwd.pw_name else { return nil }
        return String(cString: name)
    }

    public func groupIDs(ofUID uid: UInt32, primaryGID: UInt32) -> Set<UInt32> {
        var groups: Set<UInt32> = [primaryGID]
        guard let name = userName(ofUID: uid) else { return groups }
        var count: Int32 = 64
        for _ in 0..<4 {
            var list = [gid_t](repeating: 0, count: Int(count))
            let previous = count
            if getgrouplist(name, primaryGID, &list, &count) >= 0 {
                groups.formUnion(list.prefix(Int(count)))
                return groups
            }
            if count <= previous { count = previous * 4 }
        }
        return groups
    }

    private func withPasswd<T>(name: String, _ body: (Glibc.passwd) -> T) -> T? {
        var passwd = Glibc.passwd()
        var result: UnsafeMutablePointer<Glibc.passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getpwnam_r(name, &passwd, &buffer, buffer.count, &result)
        guard status == 0, result != nil else { return nil }
        return body(passwd)
    }
}
