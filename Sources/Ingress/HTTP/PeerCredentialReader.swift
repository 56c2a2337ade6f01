import NIOCore
import ReplayCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads `SO_PEERCRED` from an accepted Unix-socket channel.
enum PeerCredentialReader {
    /// Linux's `struct ucred` (`pid_t pid; uid_t uid; gid_t gid;`), which Swift's Glibc module does not import
    /// without `_GNU_SOURCE`. Three 4-byte fields: the layout is identical; a test checks the values against
    /// `getuid()`/`getgid()`/`getpid()` of a connecting process.
    struct LinuxUcred: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// The peer's credentials, or a failed future when the channel is not a Unix socket.
    static func read(from channel: any Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let future: EventLoopFuture<LinuxUcred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET),
            name: SocketOptionName(SO_PEERCRED)
        )
        return future.map { PeerCredentials(uid: $0.uid, gid: $0.gid, pid: $0.pid) }
    }
}
