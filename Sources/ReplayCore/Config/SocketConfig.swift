/// `[socket]`: the Unix domain socket that local tools connect to (HTTP/1.1, identity from the kernel).
public struct SocketConfig: Sendable, Hashable {
    /// `path` (required): an absolute path shorter than 108 bytes (the `sun_path` limit).
    /// Default `/run/replayd/replayd.sock`.
    public var path: String
    /// `group`: the socket file is given to this group (a name or a numeric gid), so its members can connect.
    /// Default: none (the daemon's own group).
    public var group: SocketGroup?
    /// `max_header_size`: larger request heads are refused. Default 16 KiB; 1 KiB to 1 MiB.
    public var maxHeaderSize: Int
    /// `max_body_size`: larger request bodies are refused. Default 1 MiB; 1 KiB to 64 MiB.
    public var maxBodySize: Int
    /// `read_timeout`: time allowed to receive a whole request. Default 10 s; 1 ms to 1 h.
    public var readTimeout: Duration
    /// `header_timeout`: time allowed from a request's first byte to the end of its head, so a client that
    /// trickles header bytes is cut off. Default 5 s; 1 ms to 1 h.
    public var headerTimeout: Duration
    /// `idle_timeout`: a keep-alive connection idle this long is closed. Default 60 s; 1 ms to 24 h.
    public var idleTimeout: Duration
    /// `max_connections`: connections served at once; one more gets 503 `service_unavailable`. Default 64; 1 to 65536.
    public var maxConnections: Int
    /// `max_connections_per_uid`: connections one uid may hold at once; one more gets 503
    /// `too_many_connections`, so one user cannot take the whole socket. Default 16 (a quarter of
    /// `max_connections`); 1 to 65536.
    public var maxConnectionsPerUID: Int

    /// Creates the section with the defaults above.
    public init(
        path: String = "/run/replayd/replayd.sock",
        group: SocketGroup? = nil,
        maxHeaderSize: Int = 16 << 10,
        maxBodySize: Int = 1 << 20,
        readTimeout: Duration = .seconds(10),
        headerTimeout: Duration = .seconds(5),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 64,
        maxConnectionsPerUID: Int = 16
    ) {
        self.path = path
        self.group = group
        self.maxHeaderSize = maxHeaderSize
        self.maxBodySize = maxBodySize
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxConnectionsPerUID = maxConnectionsPerUID
        self.headerTimeout = headerTimeout
    }
}
