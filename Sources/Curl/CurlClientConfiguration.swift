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
    /// Connections older than this are not reused (`CURLOPT_MAXAGE_CONN`). Default 110 s.
    public var maxConnectionAge: Duration
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
        maxConnectionAge: Duration = .seconds(110),
        userAgent: String = "replayd",
        caBundlePath: String? = nil
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
    }
}
