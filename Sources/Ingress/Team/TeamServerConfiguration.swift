import HTTPServer
import ReplayCore

/// Settings of the team listener (HTTP/1.1 on TCP; TLS is a reverse proxy's job).
public struct TeamServerConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The TCP port; 0 picks a free one.
    public var port: Int
    /// The HTTP core's limits and timings.
    public var http: HTTPServerConfiguration
    /// Peers whose `X-Forwarded-For` is believed: the reverse proxy in front.
    public var trustedProxies: [CIDR]
    /// When failed token attempts from one client block it (429 while blocked).
    public var failureThrottle: FailureThrottlePolicy
    /// A listening socket handed over by the service manager, adopted instead of binding.
    public var listeningDescriptor: CInt?

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int,
        http: HTTPServerConfiguration = Self.defaultHTTP,
        trustedProxies: [CIDR] = [],
        failureThrottle: FailureThrottlePolicy = FailureThrottlePolicy(),
        listeningDescriptor: CInt? = nil
    ) {
        self.host = host
        self.port = port
        self.http = http
        self.trustedProxies = trustedProxies
        self.failureThrottle = failureThrottle
        self.listeningDescriptor = listeningDescriptor
    }

    /// The team listener's HTTP defaults: the replay route has no body, so 16 KiB is plenty.
    public static let defaultHTTP = HTTPServerConfiguration(
        maxHeaderBytes: 16 * 1024,
        maxBodyBytes: 16 * 1024,
        headTimeout: .seconds(5),
        readTimeout: .seconds(10),
        idleTimeout: .seconds(30),
        maxConnections: 256,
        maxConnectionsPerClient: 64,
        shutdownGracePeriod: .seconds(10)
    )
}
