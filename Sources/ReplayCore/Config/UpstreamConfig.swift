/// `[upstream]`: the Strait API replayd forwards replays to, and the limits of each call.
public struct UpstreamConfig: Sendable {
    /// `base_url` (required): the Strait API root, an `http` or `https` URL without credentials, query or
    /// fragment. A trailing `/` is removed.
    public var baseURL: String
    /// `api_key_env` or `api_key_file` (exactly one is required): where the API key is read from.
    /// Default `env STRAIT_API_KEY`.
    public var apiKeySource: SecretReference
    /// The API key, loaded from ``apiKeySource`` by ``ReplaydConfig/load(path:environment:)``. `nil` only for a
    /// config decoded without loading secrets (``ReplaydConfig/decode(toml:file:environment:)`` with a `nil`
    /// environment) or built in code.
    public var apiKey: Secret?
    /// `allow_insecure_http`: allow plain `http://` to a host that is not loopback (the key then crosses the
    /// network unencrypted). Default `false`.
    public var allowInsecureHTTP: Bool
    /// `ca_file`: an absolute path to a PEM bundle of CA certificates that Strait's TLS certificate is verified
    /// against, instead of the system's store (for a private CA or a self-signed test upstream). Verification
    /// stays on. Like every file replayd trusts, it must be a regular file owned by the daemon's user or root
    /// that neither group nor others can write. Default `nil`: the system's CA store.
    public var caFile: String?
    /// `connect_timeout`: time for DNS, TCP connect and TLS handshake. Default 5 s; 1 ms to 5 min.
    public var connectTimeout: Duration
    /// `timeout`: time for one whole attempt. Default 30 s; 1 ms to 1 h.
    public var timeout: Duration
    /// `low_speed_limit`: an attempt slower than this many bytes per second ... Default 1; 0 (off) to 1 GiB.
    public var lowSpeedLimit: Int
    /// `low_speed_time`: ... for this long is aborted. Default 15 s; whole seconds, 1 s to 1 h.
    public var lowSpeedTime: Duration
    /// `max_response_size`: larger response bodies abort the attempt. Default 8 MiB; 1 KiB to 1 GiB.
    public var maxResponseSize: Int
    /// `max_attempts`: attempts in total when a request provably never reached Strait. Default 3; 1 to 10.
    public var maxAttempts: Int
    /// `retry_base_delay`: the first backoff delay, doubled per retry (with jitter). Default 250 ms; 1 ms to 1 min.
    public var retryBaseDelay: Duration
    /// `retry_max_delay`: the largest backoff delay. Default 5 s; at least `retry_base_delay`, at most 10 min.
    public var retryMaxDelay: Duration

    /// Creates the section with the defaults above.
    public init(
        baseURL: String = "http://127.0.0.1:8080",
        apiKeySource: SecretReference = .environment("STRAIT_API_KEY"),
        apiKey: Secret? = nil,
        allowInsecureHTTP: Bool = false,
        caFile: String? = nil,
        connectTimeout: Duration = .seconds(5),
        timeout: Duration = .seconds(30),
        lowSpeedLimit: Int = 1,
        lowSpeedTime: Duration = .seconds(15),
        maxResponseSize: Int = 8 << 20,
        maxAttempts: Int = 3,
        retryBaseDelay: Duration = .milliseconds(250),
        retryMaxDelay: Duration = .seconds(5)
    ) {
        self.baseURL = baseURL
        self.apiKeySource = apiKeySource
        self.apiKey = apiKey
        self.allowInsecureHTTP = allowInsecureHTTP
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.lowSpeedLimit = lowSpeedLimit
        self.lowSpeedTime = lowSpeedTime
        self.maxResponseSize = maxResponseSize
        self.maxAttempts = maxAttempts
        self.retryBaseDelay = retryBaseDelay
        self.retryMaxDelay = retryMaxDelay
    }
}
