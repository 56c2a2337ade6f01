#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The listening sockets a service manager handed over (systemd socket activation: `LISTEN_FDS`, `LISTEN_PID`,
/// `LISTEN_FDNAMES`), by the name each was given with `FileDescriptorName=`.
///
/// The sockets are file descriptors 3, 4, … in the order of `LISTEN_FDNAMES`. They are used only when
/// `LISTEN_PID` is this process (the variables may have been inherited from a parent), and each is marked
/// close-on-exec so nothing replayd starts inherits it. replayd adopts `socket` for the Unix socket door,
/// `webhooks` for the webhook listener and `admin` for the admin listener; an unnamed Unix socket (a unit without
/// `FileDescriptorName=`) is taken as the socket door. Adopted sockets belong to the service manager: replayd never
/// binds, chmods, chgrps or unlinks them.
public struct ListenerActivation: Sendable {
    /// The first inherited descriptor (`SD_LISTEN_FDS_START`).
    public static let firstDescriptor: CInt = 3

    /// The names replayd adopts.
    public enum Role: String, Sendable, CaseIterable {
        /// The Unix socket door.
        case socket
        /// The webhook TCP listener.
        case webhooks
        /// The admin TCP listener (metrics and health).
        case admin
    }

    /// Descriptor by role.
    public private(set) var descriptors: [Role: CInt]
    /// Descriptors handed over that replayd has no use for (unknown names), with their names; they are closed.
    public private(set) var ignored: [IgnoredDescriptor]

    /// No inherited listeners.
    public static let none = ListenerActivation(descriptors: [:], ignored: [])

    /// A descriptor handed over under a name replayd does not use.
    public struct IgnoredDescriptor: Sendable, Hashable {
        /// Its `FileDescriptorName=`, or `unnamed`.
        public var name: String
        /// The descriptor.
        public var descriptor: CInt

        /// Creates an entry.
        public init(name: String, descriptor: CInt) {
            self.name = name
            self.descriptor = descriptor
        }
    }

    private init(descriptors: [Role: CInt], ignored: [IgnoredDescriptor]) {
        self.descriptors = descriptors
        self.ignored = ignored
    }

    /// The descriptor handed over for `role`, if any.
    public func descriptor(for role: Role) -> CInt? { descriptors[role] }

    /// Whether any listener was handed over.
    public var isEmpty: Bool { descriptors.isEmpty && ignored.isEmpty }

    /// Reads the variables from `environment` for the process `pid`.
    ///
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - pid: this process's id; the variables apply only when `LISTEN_PID` names it.
    ///   - isUnixSocket: whether a descriptor is an `AF_UNIX` socket (for unnamed descriptors); injected for tests.
    /// - Throws: ``ListenerActivationError`` for a malformed `LISTEN_FDS`, a count that does not match
    ///   `LISTEN_FDNAMES`, or a role handed over twice.
    public static func parse(
        environment: [String: String],
        pid: Int32,
        isUnixSocket: (CInt) -> Bool = ListenerActivation.isUnixSocket
    ) throws(ListenerActivationError) -> ListenerActivation {
        guard let countText = environment["LISTEN_FDS"] else { return .none }
        guard let pidText = environment["LISTEN_PID"], let listenPID = Int32(pidText), listenPID == pid else {
            return .none
        }
        guard let count = Int(countText), count >= 0, count <= 64 else {
            throw ListenerActivationError(.malformed, "LISTEN_FDS must be a number of descriptors, not \(countText)")
        }
        var names: [String] = Array(repeating: "", count: count)
        if let namesText = environment["LISTEN_FDNAMES"], !namesText.isEmpty {
            let given = namesText.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard given.count == count else {
                throw ListenerActivationError(
                    .malformed,
                    "LISTEN_FDNAMES names \(given.count) descriptors but LISTEN_FDS is \(count)"
                )
            }
            names = given
        }
        var descriptors: [Role: CInt] = [:]
        var ignored: [IgnoredDescriptor] = []
        for (offset, name) in names.enumerated() {
            let descriptor = firstDescriptor + CInt(offset)
            // systemd names a socket after its unit when FileDescriptorName= is not set: a Unix socket is the door.
            let role = Role(rawValue: name) ?? (isUnixSocket(descriptor) ? .socket : nil)
            guard let role else {
                ignored.append(IgnoredDescriptor(name: name.isEmpty ? "unnamed" : name, descriptor: descriptor))
                continue
            }
            if descriptors[role] != nil {
                throw ListenerActivationError(
                    .duplicate,
                    "two inherited sockets are named \(role.rawValue) (FileDescriptorName=); give each listener one"
                )
            }
            descriptors[role] = descriptor
        }
        return ListenerActivation(descriptors: descriptors, ignored: ignored)
    }

    /// Marks every adopted descriptor close-on-exec and closes the ignored ones.
    public func claim() {
        for descriptor in descriptors.values {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
        for entry in ignored { close(entry.descriptor) }
    }

    /// Whether `descriptor` is an `AF_UNIX` socket.
    public static func isUnixSocket(_ descriptor: CInt) -> Bool {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return result == 0 && Int32(storage.ss_family) == AF_UNIX
    }

    /// The path a Unix socket descriptor is bound to, or `nil` (not a Unix socket, abstract, or unbound).
    public static func boundPath(of descriptor: CInt) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard result == 0, Int32(address.sun_family) == AF_UNIX else { return nil }
        let pathLength = Int(length) - (MemoryLayout.offset(of: \sockaddr_un.sun_path) ?? 2)
        guard pathLength > 1 else { return nil }
        return withUnsafeBytes(of: address.sun_path) { raw in
            let bytes = raw.prefix(pathLength)
            guard bytes.first != 0 else { return nil }
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
