/// `[admin]`: the optional admin listener, serving `GET /v1/_ping`, `GET /v1/health` and `GET /metrics` on TCP for
/// scrapers and load balancers that cannot use the Unix socket. Off unless `listen` is set; never the webhook port.
public struct AdminConfig: Sendable, Hashable {
    /// `listen`: `host:port` (`[v6]:port`) to listen on, such as `127.0.0.1:9464`. Default none (off).
    public var listen: ListenAddress?

    /// Creates the section with the defaults above.
    public init(listen: ListenAddress? = nil) {
        self.listen = listen
    }
}
