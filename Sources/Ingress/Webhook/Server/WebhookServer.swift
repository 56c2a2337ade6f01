import HTTPServer
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ReplayCore
import ServiceLifecycle
import Synchronization

/// The webhook listener: HTTP/1.1 on TCP, routing only `POST /hooks/{source}` for configured sources to a
/// `WebhookRequestHandler`, as a ServiceLifecycle `Service`.
///
/// Before a request reaches the handler the listener has capped its body (413), routed it (404, 405), resolved
/// the client address through `TrustedProxies`, and passed the verification-failure throttle and the per-source
/// pre-auth limiter (429 with `Retry-After`); all of that is decided from the head, before the body is read.
/// Every response carries `X-Request-Id`. Graceful shutdown stops accepting, closes idle connections, lets
/// requests in progress finish (up to `shutdownGracePeriod`), then closes whatever is left.
public final class WebhookServer: Service, Sendable {
    private struct Lifecycle {
        var bound: Result<Int, WebhookServerError>?
        var listeningWaiters: [CheckedContinuation<Result<Int, WebhookServerError>, Never>] = []
        var stoppedAccepting = false
        var stoppedWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let configuration: WebhookServerConfiguration
    private let sources: Set<String>
    private let core: HTTPServer<WebhookListenerDoor>
    private let group: any EventLoopGroup
    private let logger: Logger
    private let lifecycle = Mutex(Lifecycle())

    /// The per-source token buckets the listener checks.
    public let preAuthLimiter: PreAuthLimiter
    /// The verification-failure throttle the listener checks and feeds.
    public let failureThrottle: VerificationFailureThrottle

    /// Creates the listener.
    ///
    /// - Parameters:
    ///   - configuration: Address, limits and throttles; validated here.
    ///   - sources: The source names served at `/hooks/{source}`: 1 to 64 ASCII letters, digits, `-` or `_`.
    ///   - handler: What answers admitted requests.
    ///   - clock: The time the limiter and throttle use, and `WebhookHTTPRequest.receivedAt`.
    ///   - group: The event loops connections run on.
    ///   - logger: Where the listener logs; never header values or bodies.
    /// - Throws: `WebhookServerError` with `.invalidConfiguration` or `.invalidSourceName`.
    public init(
        configuration: WebhookServerConfiguration,
        sources: Set<String>,
        handler: any WebhookRequestHandler,
        clock: any ReplayClock,
        group: any EventLoopGroup,
        logger: Logger
    ) throws(WebhookServerError) {
        try configuration.validate()
        for source in sources.sorted() where !Self.isValidSourceName(source) {
            throw WebhookServerError(
                .invalidSourceName,
                "webhook source name '\(source.prefix(64))' must be 1 to 64 ASCII letters, digits, '-' or '_'"
            )
        }
        let limiter = PreAuthLimiter(
            defaultLimit: configuration.preAuthLimit,
            limits: configuration.preAuthLimitsBySource,
            clock: clock
        )
        let throttle = VerificationFailureThrottle(policy: configuration.failureThrottle, clock: clock)
        self.preAuthLimiter = limiter
        self.failureThrottle = throttle
        self.group = group
        self.configuration = configuration
        self.sources = sources
        self.logger = logger
        self.core = HTTPServer(
            configuration: configuration.http,
            door: WebhookListenerDoor(
                sources: sources,
                handler: handler,
                trustedProxies: TrustedProxies(configuration.trustedProxies),
                limiter: limiter,
                throttle: throttle,
                clock: clock
            ),
            logger: logger
        )
    }

    /// `true` for a name that can be a path segment of `/hooks/{source}` as written.
    public static func isValidSourceName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }

    /// Returns the bound port once the listener accepts connections (the configured one, or the one the system
    /// picked for port 0). Waits until `run()` has bound.
    ///
    /// - Throws: `WebhookServerError.Code.bindFailed` when `run()` could not bind.
    public func waitUntilListening() async throws(WebhookServerError) -> Int {
        let result = await withCheckedContinuation { continuation in
            let bound = lifecycle.withLock { state -> Result<Int, WebhookServerError>? in
                if let bound = state.bound { return bound }
                state.listeningWaiters.append(continuation)
                return nil
            }
            if let bound { continuation.resume(returning: bound) }
        }
        return try result.get()
    }

    /// Returns once the listener no longer accepts connections: graceful shutdown began and the listening socket
    /// is closed (requests in progress may still be running), or binding failed.
    public func waitUntilStoppedAccepting() async {
        await withCheckedContinuation { continuation in
            let stopped = lifecycle.withLock { state -> Bool in
                if state.stoppedAccepting { return true }
                state.stoppedWaiters.append(continuation)
                return false
            }
            if stopped { continuation.resume() }
        }
    }

    /// Requests being read or answered right now.
    public var inFlightCount: Int { core.inFlightCount }

    /// Binds, serves until graceful shutdown or cancellation, then drains and closes.
    public func run() async throws {
        let listener: NIOAsyncChannel<HTTPServerConnection, Never>
        do {
            let core = self.core
            if let descriptor = configuration.listeningDescriptor {
                listener = try await ServerBootstrap(group: group)
                    .bind(descriptor) { channel in core.configure(channel) }
            } else {
                listener = try await ServerBootstrap(group: group)
                    .serverChannelOption(.backlog, value: 256)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: configuration.host, port: configuration.port) { channel in core.configure(channel) }
            }
        } catch {
            let failure = WebhookServerError(
                .bindFailed,
                configuration.listeningDescriptor.map { "cannot serve on inherited socket descriptor \($0): \(error)" }
                    ?? "cannot listen on \(configuration.host):\(configuration.port): \(error)"
            )
            publish(.failure(failure))
            stoppedAccepting()
            throw failure
        }
        let port = listener.channel.localAddress?.port ?? configuration.port
        logger.info(
            "webhook listener ready",
            metadata: [
                "host": "\(listener.channel.localAddress?.ipAddress ?? configuration.host)", "port": "\(port)",
                "inherited": "\(configuration.listeningDescriptor != nil)",
                "sources": "\(sources.sorted().joined(separator: ","))",
                "max_body_size": "\(configuration.http.maxBodyBytes)",
                "trusted_proxies": "\(configuration.trustedProxies.count)",
            ]
        )
        publish(.success(port))
        await core.serve(listener) { self.stoppedAccepting() }
        logger.info("webhook listener stopped")
    }

    private func publish(_ result: Result<Int, WebhookServerError>) {
        let waiters = lifecycle.withLock { state in
            state.bound = result
            defer { state.listeningWaiters = [] }
            return state.listeningWaiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }

    private func stoppedAccepting() {
        let waiters = lifecycle.withLock { state in
            state.stoppedAccepting = true
            defer { state.stoppedWaiters = [] }
            return state.stoppedWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
