import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Sockets a test makes the way a service manager would: listeners to hand to replayd (socket activation) and a
/// datagram socket that receives its `sd_notify` messages.
enum TestSockets {
    /// A listening Unix stream socket at `path`, mode 0660.
    static func unixListener(at path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = try unixAddress(path, abstract: false)
        let bound = withUnsafePointer(to: &address.address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, address.length) }
        }
        guard bound == 0, chmod(path, 0o660) == 0, listen(descriptor, 64) == 0 else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw HarnessError("cannot listen on \(path): \(message)")
        }
        return descriptor
    }

    /// A listening TCP socket on 127.0.0.1 with a port the kernel picked; returns it and the port.
    static func tcpListener() throws -> (descriptor: Int32, port: Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { target in
                bind(descriptor, target, length) == 0 && listen(descriptor, 64) == 0
                    && getsockname(descriptor, target, &length) == 0
            }
        }
        guard bound else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw HarnessError("cannot listen on 127.0.0.1: \(message)")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A non-blocking Unix datagram socket bound at `name` (a path, or `@name` for an abstract address).
    static func datagramReceiver(at name: String) throws -> Int32 {
        let descriptor = socket(
            AF_UNIX,
            Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
            0
        )
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = try unixAddress(name, abstract: name.hasPrefix("@"))
        let bound = withUnsafePointer(to: &address.address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, address.length) }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw HarnessError("cannot bind \(name): \(message)")
        }
        return descriptor
    }

    /// The datagrams waiting on a non-blocking socket, without blocking.
    static func receiveAvailable(_ descriptor: Int32) -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { return messages }
            messages.append(String(decoding: buffer.prefix(count), as: UTF8.self))
        }
    }

    /// Whether a non-blocking connect to the Unix socket at `path` succeeds at once (a listening socket with room
    /// in its backlog takes it without anyone calling `accept`).
    static func connects(to path: String) -> Bool {
        let descriptor = socket(
            AF_UNIX,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
            0
        )
        guard descriptor >= 0, var address = try? unixAddress(path, abstract: false) else { return false }
        defer { close(descriptor) }
        return withUnsafePointer(to: &address.address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, address.length) }
        } == 0
    }

    /// The inode of the file at `path`, or `nil`.
    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return UInt64(info.st_ino)
    }

    private static func unixAddress(_ name: String, abstract: Bool) throws -> (address: sockaddr_un, length: socklen_t)
    {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw HarnessError("socket name \(name) is too long")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let offset = MemoryLayout.offset(of: \sockaddr_un.sun_path) ?? 2
        return (address, socklen_t(offset + bytes.count + (abstract ? 0 : 1)))
    }
}
