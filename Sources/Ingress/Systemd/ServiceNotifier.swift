#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The service manager's notification socket (`sd_notify(3)`), written directly: one datagram per message on an
/// `AF_UNIX` `SOCK_DGRAM` socket, so no libsystemd is needed. `NOTIFY_SOCKET` is a path, or `@name` for an
/// abstract address. Without it (not started by systemd, or `Type=` is not `notify`) every send does nothing.
///
/// Sends never block: the socket is non-blocking, and a message the manager cannot take now is dropped and
/// reported through the result, as `sd_notify` does.
public struct ServiceNotifier: Sendable {
    /// The address the messages go to, as given in `NOTIFY_SOCKET`; `nil` when there is none.
    public let address: String?
    /// How often the manager wants `WATCHDOG=1` (`WATCHDOG_USEC`, when `WATCHDOG_PID` is unset or this process);
    /// `nil` when there is no watchdog.
    public let watchdogInterval: Duration?

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment` for the process `pid`.
    public init(environment: [String: String], pid: Int32) {
        let address = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        self.address = address
        var interval: Duration?
        if let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 {
            let forUs = environment["WATCHDOG_PID"].map { Int32($0) == pid } ?? true
            if forUs { interval = .microseconds(microseconds) }
        }
        self.watchdogInterval = interval
    }

    /// Whether a service manager listens.
    public var isActive: Bool { address != nil }

    /// Sends one message (`READY=1`, `STATUS=…`, lines joined by `\n`).
    ///
    /// - Returns: `nil` when it was sent or there is no manager; otherwise the `errno` text.
    @discardableResult
    public func send(_ message: String) -> String? {
        guard let address else { return nil }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(address.utf8)
        let abstract = pathBytes.first == UInt8(ascii: "@")
        if abstract { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: socketAddress.sun_path)
        guard pathBytes.count < capacity || (abstract && pathBytes.count <= capacity) else {
            return "NOTIFY_SOCKET is longer than \(capacity - 1) bytes"
        }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { raw in
            for (index, byte) in pathBytes.enumerated() { raw[index] = byte }
        }
        let pathOffset = MemoryLayout.offset(of: \sockaddr_un.sun_path) ?? 2
        // An abstract address is exactly its bytes; a path also counts its terminating NUL.
        let length = socklen_t(pathOffset + pathBytes.count + (abstract ? 0 : 1))
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        let bytes = Array(message.utf8)
        let sent = bytes.withUnsafeBytes { body in
            withUnsafePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { target in
                    sendto(descriptor, body.baseAddress, body.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL), target, length)
                }
            }
        }
        return sent == bytes.count ? nil : String(cString: strerror(errno))
    }
}
