import Foundation
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A response as it came off the wire.
struct RawHTTPResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The first value of `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of `name` (case-insensitive).
    func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// What happened to one exchange.
enum RawHTTPOutcome: Sendable {
    case responses([RawHTTPResponse])
    /// The server reset the connection before sending anything.
    case reset
    /// The server closed the connection without sending anything.
    case closedWithoutResponse
    /// Nothing came back before the deadline.
    case timedOut
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
}

/// A deliberately dumb HTTP/1.1 client over NIO: it writes exactly the bytes it is given and reads until the
/// server closes, so tests control every header (or its absence) and can observe resets and stalls.
enum RawHTTPClient {
    /// Sends `request` (raw bytes) and collects what comes back until EOF, a reset or `timeout`.
    /// Sends `request` and collects what comes back. With `quietUntil`, the exchange ends as `.timedOut` ("no answer")
    /// as soon as the condition holds with no answer yet, instead of after a fixed wait: that keeps "the server
    /// has not answered" tests free of timing. `timeout` is then only a safety limit.
    static func exchange(
        host: String,
        port: Int,
        request: [UInt8],
        timeout: Duration,
        quietUntil: (@Sendable () async -> Bool)? = nil
    ) async throws -> RawHTTPOutcome {
        let connection = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let outcome = try await withThrowingTaskGroup(of: Exchange.self) { group in
            group.addTask {
                try await connection.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(bytes: request))
                    var bytes: [UInt8] = []
                    do {
                        for try await chunk in inbound { bytes += chunk.readableBytesView }
                    } catch let error as IOError where error.errnoCode == ECONNRESET && bytes.isEmpty {
                        return Exchange.reset
                    }
                    return Exchange.bytes(bytes)
                }
            }
            group.addTask {
                if let quietUntil {
                    let deadline = ContinuousClock.now + timeout
                    while ContinuousClock.now < deadline, !(await quietUntil()) {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                } else {
                    try await Task.sleep(for: timeout)
                }
                return Exchange.timedOut
            }
            defer { group.cancelAll() }
            let first = try await group.next() ?? .timedOut
            if case .timedOut = first { connection.channel.close(promise: nil) }
            return first
        }
        switch outcome {
        case .timedOut: return .timedOut
        case .reset: return .reset
        case .bytes(let bytes) where bytes.isEmpty: return .closedWithoutResponse
        case .bytes(let bytes): return .responses(try parse(bytes))
        }
    }

    private enum Exchange: Sendable {
        case bytes([UInt8])
        case reset
        case timedOut
    }

    /// Splits `bytes` into responses, using `Content-Length` (or the rest of the stream) for each body.
    static func parse(_ bytes: [UInt8]) throws -> [RawHTTPResponse] {
        var responses: [RawHTTPResponse] = []
        var rest = bytes[...]
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while !rest.isEmpty {
            guard let end = rest.firstRange(of: separator) else {
                throw RawHTTPError(description: "incomplete head: \(String(decoding: rest, as: UTF8.self))")
            }
            let lines = String(decoding: rest[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let statusParts = lines[0].split(separator: " ")
            guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
                throw RawHTTPError(description: "bad status line: \(lines[0])")
            }
            var headers: [(name: String, value: String)] = []
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let value = line[line.index(after: colon)...].drop { $0 == " " }
                headers.append((String(line[..<colon]), String(value)))
            }
            rest = rest[end.upperBound...]
            let length =
                headers.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) } ?? rest.count
            let body = Array(rest.prefix(length))
            rest = rest.dropFirst(length)
            responses.append(RawHTTPResponse(status: status, headers: headers, body: body))
        }
        return responses
    }
}
