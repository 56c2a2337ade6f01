/// `[webhooks]`: the TCP listener for chat-ops and automation webhooks. The listener runs only when at least one
/// `[[sources]]` entry exists.
public struct WebhooksConfig: Sendable, Hashable {
    /// `listen`: `host:port` (`[v6]:port` for IPv6) to listen on. Default `127.0.0.1:8787`; put a TLS-terminating
    /// proxy in front of it for senders on the internet.
    public var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8787)
    /// `trusted_proxies`: CIDR blocks (`10.0.0.0/8`, `::1/128`) whose `X-Forwarded-For` is believed. Empty (the
    /// default) means the TCP peer is always the client.
    public var trustedProxies: [String] = []
    /// `max_body_size`: larger bodies get 413 before any signature work. Default 64 KiB.
    public var maxBodySize: Int = 64 << 10
    /// `max_header_size`: the request line and headers. Default 16 KiB.
    public var maxHeaderSize: Int = 16 << 10
    /// `idle_timeout`: a connection idle this long is closed. Default 30 s.
    public var idleTimeout: Duration = .seconds(30)
    /// `header_timeout`: time allowed from a request's first byte to the end of its head (slow header bytes get
    /// 408). Default 5 s.
    public var headerTimeout: Duration = .seconds(5)
    /// `read_timeout`: time allowed from a request's first byte to its last (408 beyond). Default 10 s.
    public var readTimeout: Duration = .seconds(10)
    /// `max_connections`: connections served at once; one more gets 503. Default 256.
    public var maxConnections: Int = 256
    /// `max_connections_per_client`: connections one client address may hold at once (503
    /// `too_many_connections` beyond), so one client cannot exhaust the listener. A trusted proxy's connections
    /// count only under `max_connections`. Default 64.
    public var maxConnectionsPerClient: Int = 64
    /// `preauth_rate`: requests per second one source accepts before signatures are checked (a token bucket, so a
    /// flood never reaches the HMAC and Ed25519 code). Default 50.
    public var preAuthRate: Int = 50
    /// `preauth_burst`: the bucket's size. Default 100.
    public var preAuthBurst: Int = 100
    /// `failure_threshold`: failed verifications from one client to one source before it is blocked. Default 10.
    public var failureThreshold: Int = 10
    /// `failure_block`: the first block; each further block doubles it. Default 30 s.
    public var failureBlock: Duration = .seconds(30)
    /// `failure_block_max`: blocks never grow past this. Default 15 min.
    public var failureBlockMax: Duration = .seconds(900)
    /// `timestamp_tolerance`: how far a signed timestamp may be from now, either way. Default 5 min.
    public var timestampTolerance: Duration = .seconds(300)
    /// `dedup_ttl`: how long a delivery id is remembered (and its answer replayed to duplicates). Default 7 days.
    public var dedupTTL: Duration = .seconds(7 * 86_400)
    /// `discord_api_url`: where Discord follow-ups are posted. Default `https://discord.com/api/v10`.
    public var discordAPIURL: String = "https://discord.com/api/v10"
    /// `followup_allow_insecure_http`: allow plain `http://` follow-up URLs to hosts that are not loopback.
    /// Default false.
    public var followUpAllowInsecureHTTP: Bool = false

    /// Creates the section with the defaults above.
    public init() {}
}

/// A TCP address to listen on.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host: an IPv4 or IPv6 literal, or a name.
    public var host: String
    /// The port; 0 asks the kernel for a free one.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `host:port` or `[v6]:port`; returns a problem description on failure.
    public static func parse(_ text: String) -> Result<ListenAddress, ListenAddressProblem> {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return .failure(ListenAddressProblem(message: "must be [ipv6]:port, such as \"[::1]:8787\""))
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else {
                return .failure(ListenAddressProblem(message: "must be host:port, such as \"127.0.0.1:8787\""))
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty else {
            return .failure(ListenAddressProblem(message: "has no host; use 0.0.0.0 to listen on every address"))
        }
        guard let port = Int(portText), (0...65_535).contains(port) else {
            return .failure(ListenAddressProblem(message: "needs a port between 0 and 65535"))
        }
        return .success(ListenAddress(host: String(host), port: port))
    }
}

/// Why a listen address did not parse.
public struct ListenAddressProblem: Error, Sendable, Hashable {
    /// What is wrong, in plain words.
    public var message: String
}
