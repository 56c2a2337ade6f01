/// Settings for `CurlClient`. Every timeout and limit is configurable; the defaults follow
/// `core-requirements.md` §6.
public struct CurlClientConfiguration: Sendable {
    /// Time allowed for DNS, TCP connect and TLS handshake (`CURLOPT_CONNECTTIMEOUT_MS`). Default 5 s.
    public var connectTimeout: Duration
    /// Time allowed for a whole transfer (`CURLOPT_TIMEOUT_MS`), unless the request overrides it. Default 30 s.
    public var totalTimeout: Duration
    /// Abort a transfer slower than this many bytes per second ... (`CURLOPT_LOW_SPEED_LIMIT`). Default 1.
    public var lowSpeedLimitBytesPerSecond: Int
    /// ... for this long (`CURLOPT_LOW_SPEED_TIME`). Default 15 s.
    public var lowSpeedTime: Duration
    /// Responses with a larger body are aborted with `CurlError.Code.responseTooLarge`. Default 8 MiB.
    public var maxResponseBodyBytes: Int
    /// Accept plain `http://` to hosts that are not loopback. Off by default; when on, a warning is logged.
    public var allowInsecureHTTP: Bool
    /// Connections idle for longer than this are not reused (`CURLOPT_MAXAGE_CONN`, which counts from the
    /// connection's last use). Keep it below the upstream's own idle timeout: a kept connection the upstream has
    /// closed while idle can fail under a replay that was already written, which is then reconciled instead of
    /// answered. Default 30 s, below the idle timeouts of common load balancers (60 s and more).
    public var maxConnectionAge: Duration
    /// Most connections the client keeps open, idle or busy (`CURLMOPT_MAXCONNECTS`); the oldest idle one is
    /// closed to make room. Default 32.
    public var maxCachedConnections: Int
    /// Most connections open to one host at a time (`CURLMOPT_MAX_HOST_CONNECTIONS`); further transfers wait
    /// in libcurl's queue for one to become free (the total timeout keeps running). `0` is no limit. Default 0:
    /// callers bound their own concurrency, and a cap here would queue transfers behind slow ones.
    public var maxConnectionsPerHost: Int
    /// The `User-Agent` header sent when the request has none.
    public var userAgent: String
    /// A CA bundle to verify TLS peers against; `nil` uses libcurl's default. Verification is always on.
    public var caBundlePath: String?

    /// Creates a configuration with the defaults above.
    public init(
        connectTimeout: Duration = .seconds(5),
        totalTimeout: Duration = .seconds(30),
        lowSpeedLimitBytesPerSecond: Int = 1,
        lowSpeedTime: Duration = .seconds(15),
        maxResponseBodyBytes: Int = 8 << 20,
        allowInsecureHTTP: Bool = false,
        maxConnectionAge: Duration = .seconds(30),
        userAgent: String = "replayd",
        caBundlePath: String? = nil,
        maxCachedConnections: Int = 32,
        maxConnectionsPerHost: Int = 0
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeedLimitBytesPerSecond = lowSpeedLimitBytesPerSecond
        self.lowSpeedTime = lowSpeedTime
        self.maxResponseBodyBytes = maxResponseBodyBytes
        self.allowInsecureHTTP = allowInsecureHTTP
        self.maxConnectionAge = maxConnectionAge
        self.userAgent = userAgent
        self.caBundlePath = caBundlePath
        self.maxCachedConnections = maxCachedConnections
        self.maxConnectionsPerHost = maxConnectionsPerHost
    }
}
