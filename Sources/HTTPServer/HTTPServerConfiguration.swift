import NIOHTTP1

/// The limits and timings of one listener, the same for every door.
public struct HTTPServerConfiguration: Sendable {
    /// The most bytes of request line plus headers (431 beyond).
    public var maxHeaderBytes: Int
    /// The most body bytes (413 beyond; a declared `Content-Length` over it is refused before the body is read).
    public var maxBodyBytes: Int
    /// The time allowed from the first byte of a request to the end of its head (408 beyond). This is what
    /// stops a client that trickles header bytes (slowloris).
    public var headTimeout: Duration
    /// The time allowed from the first byte of a request to its last (408 beyond).
    public var readTimeout: Duration
    /// The time an idle keep-alive connection is kept.
    public var idleTimeout: Duration
    /// The most connections at once (503 beyond).
    public var maxConnections: Int
    /// The most connections one client (one uid on a Unix socket, one address on TCP) may hold at once (503
    /// beyond), so that one client cannot take the whole listener.
    public var maxConnectionsPerClient: Int
    /// How long a graceful shutdown waits for requests in progress before it cancels them.
    public var shutdownGracePeriod: Duration
    /// Fields added to every response (for replayd: `Api-Version: 1`).
    public var fixedHeaders: HTTPHeaders

    /// Creates a configuration.
    public init(
        maxHeaderBytes: Int = 16 * 1024,
        maxBodyBytes: Int = 1024 * 1024,
        headTimeout: Duration = .seconds(5),
        readTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 64,
        maxConnectionsPerClient: Int = 32,
        shutdownGracePeriod: Duration = .seconds(30),
        fixedHeaders: HTTPHeaders = ["Api-Version": "1"]
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.headTimeout = headTimeout
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient
        self.shutdownGracePeriod = shutdownGracePeriod
        self.fixedHeaders = fixedHeaders
    }
}

extension HTTPServerConfiguration {
    /// The first value out of range, named by its config key, or `nil` when every value is usable.
    public var problem: String? {
        if maxBodyBytes < 1 { return "max_body_size must be at least 1 byte" }
        if maxHeaderBytes < 256 { return "max_header_size must be at least 256 bytes" }
        if headTimeout <= .zero { return "header_timeout must be positive" }
        if readTimeout <= .zero { return "read_timeout must be positive" }
        if idleTimeout <= .zero { return "idle_timeout must be positive" }
        if maxConnections < 1 { return "max_connections must be at least 1" }
        if maxConnectionsPerClient < 1 { return "max_connections_per_client must be at least 1" }
        if shutdownGracePeriod < .zero { return "shutdown_grace_period must not be negative" }
        return nil
    }
}
