import Logging
import Synchronization

/// The production `HTTPClient`: libcurl driven by one dedicated network thread.
///
/// One thread owns one multi handle and every easy handle; `send` only queues a plan and awaits its result,
/// so any number of concurrent requests cost one thread and the sockets they use. The multi handle keeps the
/// connection pool, so consecutive requests to a host reuse connections.
///
/// - TLS peers are always verified. Plain `http://` is accepted only to loopback hosts, through a Unix
///   socket, or with `allowInsecureHTTP` (logged once as a warning); anything else fails with `.insecureURL`
///   before any network activity.
/// - Cancelling the task that awaits `send` removes the transfer and throws `.cancelled`.
/// - Every response and every error carries `TransferFacts`.
/// - The process must ignore `SIGPIPE` (see `CurlRuntime`).
public final class CurlClient: HTTPClient {
    /// The limits and defaults every request gets.
    public let configuration: CurlClientConfiguration
    private let logger: Logger
    private let loop: CurlMultiLoop
    private let warnedAboutInsecureHTTP = Atomic<Bool>(false)

    /// Initializes libcurl if needed (`CurlRuntime.initialize()`) and starts the network thread. Blocks
    /// briefly, until the thread has created its multi handle.
    ///
    /// - Parameters:
    ///   - configuration: Timeouts, limits and the URL policy.
    ///   - logger: Where the client logs; it never logs header values or bodies.
    /// - Throws: `CurlError` when libcurl lacks TLS, or the thread or multi handle cannot be created.
    public init(configuration: CurlClientConfiguration = CurlClientConfiguration(), logger: Logger) throws(CurlError) {
        try CurlRuntime.initialize()
        self.configuration = configuration
        self.logger = logger
        self.loop = CurlMultiLoop(
            logger: logger,
            limits: CurlMultiLoop.Limits(
                maxCachedConnections: configuration.maxCachedConnections,
                maxConnectionsPerHost: configuration.maxConnectionsPerHost
            )
        )
        try loop.start()
    }

    deinit {
        // No `send` can be outstanding (each one holds the client), so this only stops an idle thread; it
        // cleans up the multi handle on its own.
        loop.requestStop()
    }

    /// Sends `request` and returns the response, whatever its status.
    ///
    /// - Throws: `CurlError`: `.invalidRequest` or `.insecureURL` before any network activity; the mapped
    ///   libcurl failure otherwise; `.cancelled` when the calling task is cancelled; `.shutdown` after
    ///   `shutdown()`. Errors from the network carry the transfer facts.
    public func send(_ request: HTTPRequest) async throws(CurlError) -> HTTPResponse {
        let plan = try CurlTransferPlan(request: request, configuration: configuration)
        if case .insecureHTTPAllowed(let host) = plan.verdict {
            warnAboutInsecureHTTP(host: host)
        }
        let ticket = CurlTicket(id: loop.makeTicketID())
        let loop = self.loop
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CurlTicket.Continuation) in
                ticket.submit(plan, continuation: continuation, to: loop)
            }
        } onCancel: {
            ticket.cancel(through: loop)
        }
        return try result.get()
    }

    /// Stops the network thread: queued and running transfers fail with `.shutdown`, later calls to `send`
    /// too, and the multi handle and its connections are closed. Returns once that is done. Idempotent.
    public func shutdown() async {
        loop.requestStop()
        await loop.waitUntilStopped()
    }

    /// A snapshot of the client's counters.
    public var diagnostics: CurlClientDiagnostics {
        loop.diagnostics
    }

    /// Transfers running in the multi handle right now.
    public var inFlightCount: Int {
        diagnostics.inFlight
    }

    /// The most transfers that ran in the multi handle at the same time.
    public var peakInFlight: Int {
        diagnostics.peakInFlight
    }

    /// The network thread's id, once it runs.
    public var networkThreadID: UInt64? {
        diagnostics.networkThreadID
    }

    private func warnAboutInsecureHTTP(host: String) {
        guard warnedAboutInsecureHTTP.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
        else {
            return
        }
        logger.warning(
            "sending plain http:// to a non-loopback host because allowInsecureHTTP is set; traffic is unencrypted",
            metadata: ["host": "\(host)"]
        )
    }
}
