import Curl
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers shared by the tests.
enum TestSupport {
    /// A logger for clients under test; quiet unless something is wrong.
    static let logger: Logger = {
        var logger = Logger(label: "CurlTests")
        logger.logLevel = .warning
        return logger
    }()

    /// A client whose timeouts are hang guards only, minutes long, so that none of them can fire in a test that
    /// is not about a timeout, however loaded the machine: in the full suite on 2 cores a transfer can wait more
    /// than 15 s (libcurl's default low-speed window) for the test server, and a test task can be resumed more
    /// than 30 s after its previous request, after which a kept connection would no longer be reused. Tests about
    /// a timeout set the one they test.
    static func makeClient(
        _ configure: (inout CurlClientConfiguration) -> Void = { _ in }
    ) throws -> CurlClient {
        var configuration = CurlClientConfiguration(
            connectTimeout: .seconds(120),
            totalTimeout: .seconds(300),
            lowSpeedTime: .seconds(300),
            maxConnectionAge: .seconds(3600)
        )
        configure(&configuration)
        return try CurlClient(configuration: configuration, logger: logger)
    }

    /// Switches off every timeout a stalled transfer could hit, so a test about cancellation or shutdown
    /// cannot end in `timed_out` when a loaded machine delays the test task past the low-speed limit.
    static func neverTimesOut(_ configuration: inout CurlClientConfiguration) {
        configuration.lowSpeedLimitBytesPerSecond = 0
        configuration.totalTimeout = .seconds(3600)
    }

    /// Raises the soft open-file limit towards `wanted` (bounded by the hard limit).
    static func raiseOpenFileLimit(to wanted: UInt64) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, UInt64(limit.rlim_cur) < wanted else {
            return
        }
        limit.rlim_cur = rlim_t(min(wanted, UInt64(limit.rlim_max)))
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    /// A unique Unix socket path in /tmp, short enough for `sun_path`.
    static func temporarySocketPath() -> String {
        "/tmp/curltests-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
    }
}

extension CurlClient {
    /// Sends `request` and returns the error it failed with, or `nil` when it got a response.
    func failure(of request: HTTPRequest) async -> CurlError? {
        do {
            _ = try await send(request)
            return nil
        } catch {
            return error
        }
    }
}

/// A TCP port on 127.0.0.1 that is bound but never listens, so connecting to it is refused.
///
/// Holding the port bound (instead of binding and closing it) means no other test can take it meanwhile.
final class RefusingPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else {
            throw SocketError(call: "socket")
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(descriptor)
            throw SocketError(call: "bind/getsockname")
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }

    struct SocketError: Error {
        var call: String
    }
}
