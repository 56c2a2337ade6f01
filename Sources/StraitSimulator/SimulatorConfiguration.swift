/// How a ``StraitSimulator`` listens and limits. The defaults are the real Strait server's defaults.
public struct SimulatorConfiguration: Sendable, Hashable {
    /// A request budget per window. `requests == 0` disables the limit.
    public struct RateLimit: Sendable, Hashable {
        /// Requests allowed per window; `0` means unlimited.
        public var requests: Int
        /// The window length; it is also the `Retry-After` sent on a 429.
        public var window: Duration

        /// Creates a limit.
        public init(requests: Int, window: Duration) {
            self.requests = requests
            self.window = window
        }

        /// No limit.
        public static let disabled = RateLimit(requests: 0, window: .seconds(60))

        var isEnabled: Bool { requests > 0 && window > .zero }
    }

    /// The address to bind, for example `127.0.0.1` or `::1`.
    public var host: String
    /// The TCP port; `0` picks an ephemeral port (read it back with ``StraitSimulator/listeningAddress()``).
    public var port: Int
    /// The global per-IP limiter (httprate), answered with a plain-text 429. Strait's default: 100 per 60 s.
    public var perIPRateLimit: RateLimit
    /// The per-API-key limit when a key has no override. Strait's default (`DEFAULT_API_KEY_RATE_LIMIT`):
    /// 1000 per 60 s.
    public var apiKeyRateLimit: RateLimit
    /// Whether failed authentications lock an IP out (10/25/50 failures in 15 min → 1/5/15 min).
    public var authLockoutEnabled: Bool
    /// How long an after-commit `stall` fault holds a connection before closing it, if the client has not
    /// closed it first.
    public var stallTimeout: Duration
    /// The host name in generated request ids (`<hostname>/<10 chars>-<counter>`); `nil` uses the system's.
    public var hostname: String?
    /// The most body bytes kept per request; longer bodies are still read, but only this much is kept.
    public var maxBodyBytes: Int
    /// Whether the replay route honours `Idempotency-Key` as Strait's idempotency middleware does on its other POST
    /// routes (a repeat returns the first 2xx, with `Idempotency-Replayed: true`). `false`, the default, is the real
    /// replay route today: the header is ignored and every replay creates a run (spec §4).
    public var honorsReplayIdempotencyKey: Bool

    /// Creates a configuration; every parameter has Strait's default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        perIPRateLimit: RateLimit = RateLimit(requests: 100, window: .seconds(60)),
        apiKeyRateLimit: RateLimit = RateLimit(requests: 1000, window: .seconds(60)),
        authLockoutEnabled: Bool = true,
        stallTimeout: Duration = .seconds(300),
        hostname: String? = nil,
        maxBodyBytes: Int = 1 << 20,
        honorsReplayIdempotencyKey: Bool = false
    ) {
        self.host = host
        self.port = port
        self.perIPRateLimit = perIPRateLimit
        self.apiKeyRateLimit = apiKeyRateLimit
        self.authLockoutEnabled = authLockoutEnabled
        self.stallTimeout = stallTimeout
        self.hostname = hostname
        self.maxBodyBytes = maxBodyBytes
        self.honorsReplayIdempotencyKey = honorsReplayIdempotencyKey
    }
}
