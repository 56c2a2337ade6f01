/// Settings of the webhook listener (HTTP/1.1 on TCP).
public struct WebhookServerConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`: exposing the listener is a deliberate choice.
    public var host: String
    /// The TCP port; 0 picks a free one (see `WebhookServer.waitUntilListening()` for the one bound).
    public var port: Int
    /// The most body bytes (413 beyond; a declared `Content-Length` over it is refused before the body is read).
    /// Default 64 KiB.
    public var maxBodySize: Int
    /// The most bytes of request line plus headers (431 beyond). Default 16 KiB.
    public var maxHeaderSize: Int
    /// Peers whose `X-Forwarded-For` is believed (see `TrustedProxies`). Default none.
    public var trustedProxies: [CIDR]
    /// The time allowed from the first byte of a request to its last (408 beyond). Default 10 s.
    public var readTimeout: Duration
    /// The time an idle keep-alive connection is kept. Default 30 s.
    public var idleTimeout: Duration
    /// The most connections at once (503 beyond). Default 256.
    public var maxConnections: Int
    /// How long a graceful shutdown waits for requests in progress. Default 10 s.
    public var shutdownGracePeriod: Duration
    /// The token bucket each source gets, checked before signature work (429 beyond).
    public var preAuthLimit: PreAuthLimit
    /// Buckets for particular sources, overriding `preAuthLimit`.
    public var preAuthLimitsBySource: [String: PreAuthLimit]
    /// When repeated verification failures from one client block it (429 while blocked).
    public var failureThrottle: FailureThrottlePolicy

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int,
        maxBodySize: Int = 64 * 1024,
        maxHeaderSize: Int = 16 * 1024,
        trustedProxies: [CIDR] = [],
        readTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(30),
        maxConnections: Int = 256,
        shutdownGracePeriod: Duration = .seconds(10),
        preAuthLimit: PreAuthLimit = PreAuthLimit(),
        preAuthLimitsBySource: [String: PreAuthLimit] = [:],
        failureThrottle: FailureThrottlePolicy = FailureThrottlePolicy()
    ) {
        self.host = host
        self.port = port
        self.maxBodySize = maxBodySize
        self.maxHeaderSize = maxHeaderSize
        self.trustedProxies = trustedProxies
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.shutdownGracePeriod = shutdownGracePeriod
        self.preAuthLimit = preAuthLimit
        self.preAuthLimitsBySource = preAuthLimitsBySource
        self.failureThrottle = failureThrottle
    }

    /// Checks every value; the error names the first field out of range.
    public func validate() throws(WebhookServerError) {
        func require(_ condition: Bool, _ message: String) throws(WebhookServerError) {
            if !condition { throw WebhookServerError(.invalidConfiguration, message) }
        }
        try require(!host.isEmpty, "host must not be empty")
        try require((0...65_535).contains(port), "port must be 0...65535, not \(port)")
        try require(maxBodySize >= 1, "max_body_size must be at least 1 byte")
        try require(maxHeaderSize >= 256, "max_header_size must be at least 256 bytes")
        try require(readTimeout > .zero, "read_timeout must be positive")
        try require(idleTimeout > .zero, "idle_timeout must be positive")
        try require(maxConnections >= 1, "max_connections must be at least 1")
        try require(shutdownGracePeriod >= .zero, "shutdown_grace_period must not be negative")
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
}
