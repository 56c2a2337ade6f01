import HTTPServer
import ReplayCore

/// Settings of the webhook listener (HTTP/1.1 on TCP).
public struct WebhookServerConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`: exposing the listener is a deliberate choice.
    public var host: String
    /// The TCP port; 0 picks a free one (see `WebhookServer.waitUntilListening()` for the one bound).
    public var port: Int
    /// The HTTP core's limits and timings: body 64 KiB, head 16 KiB, head deadline 5 s, read 10 s, idle 30 s,
    /// 256 connections (64 per client address), shutdown grace 10 s.
    public var http: HTTPServerConfiguration
    /// Peers whose `X-Forwarded-For` is believed (see `TrustedProxies`). Default none.
    public var trustedProxies: [CIDR]
    /// The token bucket each source gets, checked before signature work (429 beyond).
    public var preAuthLimit: PreAuthLimit
    /// Buckets for particular sources, overriding `preAuthLimit`.
    public var preAuthLimitsBySource: [String: PreAuthLimit]
    /// When repeated verification failures from one client block it (429 while blocked).
    public var failureThrottle: FailureThrottlePolicy
    /// A listening TCP socket handed over by the service manager (socket activation), adopted instead of binding
    /// `host:port`. `nil` binds.
    public var listeningDescriptor: CInt?

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int,
        http: HTTPServerConfiguration = Self.defaultHTTP,
        trustedProxies: [CIDR] = [],
        preAuthLimit: PreAuthLimit = PreAuthLimit(),
        preAuthLimitsBySource: [String: PreAuthLimit] = [:],
        failureThrottle: FailureThrottlePolicy = FailureThrottlePolicy(),
        listeningDescriptor: CInt? = nil
    ) {
        self.host = host
        self.port = port
        self.http = http
        self.trustedProxies = trustedProxies
        self.preAuthLimit = preAuthLimit
        self.preAuthLimitsBySource = preAuthLimitsBySource
        self.failureThrottle = failureThrottle
        self.listeningDescriptor = listeningDescriptor
    }

    /// Checks every value; the error names the first field out of range.
    public func validate() throws(WebhookServerError) {
        func require(_ condition: Bool, _ message: String) throws(WebhookServerError) {
            if !condition { throw WebhookServerError(.invalidConfiguration, message) }
        }
        try require(!host.isEmpty, "host must not be empty")
        try require((0...65_535).contains(port), "port must be 0...65535, not \(port)")
        if let problem = http.problem { throw WebhookServerError(.invalidConfiguration, problem) }
        for (name, limit) in [("default", preAuthLimit)] + preAuthLimitsBySource.sorted(by: { $0.key < $1.key }) {
            try require(
                limit.ratePerSecond.isFinite && limit.ratePerSecond > 0,
                "pre-auth rate for \(name) must be a positive number per second"
            )
            try require(limit.burst >= 1, "pre-auth burst for \(name) must be at least 1")
        }
        let throttle = failureThrottle
        try require(throttle.threshold >= 1, "failure throttle threshold must be at least 1")
        try require(throttle.window > .zero, "failure throttle window must be positive")
        try require(throttle.initialBlock > .zero, "failure throttle initial block must be positive")
        try require(throttle.maxBlock >= throttle.initialBlock, "failure throttle max block must be >= initial block")
        try require(throttle.forgetAfter >= throttle.window, "failure throttle forget_after must be >= its window")
        try require(throttle.maxTrackedClients >= 1, "failure throttle max tracked clients must be at least 1")
    }

    /// The webhook listener's HTTP defaults.
    public static let defaultHTTP = HTTPServerConfiguration(
        maxHeaderBytes: 16 * 1024,
        maxBodyBytes: 64 * 1024,
        headTimeout: .seconds(5),
        readTimeout: .seconds(10),
        idleTimeout: .seconds(30),
        maxConnections: 256,
        maxConnectionsPerClient: 64,
        shutdownGracePeriod: .seconds(10)
    )
}
