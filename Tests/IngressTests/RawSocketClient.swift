import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A deliberately dumb HTTP/1.1 client over a Unix socket or TCP to 127.0.0.1, so tests control every byte
/// (oversized heads, partial requests, a declared body that never comes, chunked bodies past a cap, idle
/// connections) and read exactly what the server wrote, and whether it closed.
final class RawSocketClient {
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
        var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (json?["error"] as? [String: Any])?["message"] as? String }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let fd: Int32
    private var pending: [UInt8] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() where index < buffer.count - 1 { buffer[index] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try Self.finishConnecting(fd, result: result, to: path)
    }

    /// Connects to `127.0.0.1:port`, from `sourceAddress` when given (any of 127.0.0.0/8 on Linux), so a test can
    /// be several clients.
    init(tcpPort port: Int, from sourceAddress: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        if let sourceAddress {
            var source = sockaddr_in()
            source.sin_family = sa_family_t(AF_INET)
            source.sin_addr.s_addr = inet_addr(sourceAddress)
            let bound = withUnsafePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                let code = errno
                close(fd)
                throw Failure(description: "bind \(sourceAddress): \(code)")
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try Self.finishConnecting(fd, result: result, to: "127.0.0.1:\(port)")
    }

    private static func finishConnecting(_ fd: Int32, result: Int32, to target: String) throws {
        guard result == 0 else {
            let code = errno
            close(fd)
            throw Failure(description: "connect \(target): \(String(cString: strerror(code)))")
        }
        // Only a guard against a hung test: generous, so a loaded machine is never mistaken for a hang.
        var timeout = timeval(tv_sec: 180, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    /// Shuts down the sending side (`shutdown(SHUT_WR)`, as `nc -N` does): the server reads end-of-file after
    /// the request, and the client can still read the answer.
    func shutdownWrite() throws {
        guard shutdown(fd, Int32(SHUT_WR)) == 0 else { throw Failure(description: "shutdown: \(errno)") }
    }

    /// Reads one response (head, then `Content-Length` bytes). Bytes past it (a pipelined answer) are kept for
    /// the next call.
    func readResponse() throws -> Response {
        var buffer = pending
        pending = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        func fill() throws {
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else {
                throw Failure(
                    description: count == 0 ? "connection closed" : "recv: \(String(cString: strerror(errno)))"
                )
            }
            buffer.append(contentsOf: chunk[0..<count])
        }
        var headEnd = Self.find([13, 10, 13, 10], in: buffer)
        while headEnd == nil {
            try fill()
            headEnd = Self.find([13, 10, 13, 10], in: buffer)
        }
        guard let headEnd else { throw Failure(description: "no head") }
        let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headEnd + 4
        while buffer.count < bodyStart + length { try fill() }
        pending = Array(buffer[(bodyStart + length)...])
        return Response(status: status, headers: headers, body: Array(buffer[bodyStart..<(bodyStart + length)]))
    }

    /// `true` once the server has written something (or closed), waiting for it up to `milliseconds`: a read would
    /// then not block.
    func isReadable(within milliseconds: Int32 = 0) -> Bool {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0
    }

    /// `true` when the server closed the connection (reads EOF).
    func readsEOF() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }

    /// Runs blocking socket work on a thread of its own, never on the cooperative pool or a GCD global queue
    /// (which on Linux share threads with it): the server under test needs those threads, and on a 2-core
    /// machine a few blocked reads would starve it until a deadline freed them.
    static func offload<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = "raw-socket-client"
            thread.start()
        }
    }

    /// One request on a fresh connection, off the cooperative pool.
    static func request(
        path socketPath: String,
        _ method: String,
        _ target: String,
        headers: [String: String] = [:],
        body: String = ""
    ) async throws -> Response {
        try await offload { try blockingRequest(path: socketPath, method, target, headers: headers, body: body) }
    }

    /// One request on a fresh connection.
    static func blockingRequest(
        path socketPath: String,
        _ method: String,
        _ target: String,
        headers: [String: String] = [:],
        body: String = ""
    ) throws -> Response {
        let client = try RawSocketClient(path: socketPath)
        var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + body
        try client.send(text)
        return try client.readResponse()
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle
        {
            return start
        }
        return nil
    }
}
