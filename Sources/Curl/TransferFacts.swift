/// What libcurl reports about one transfer: the facts a retry decision, a metric or an audit record needs.
public struct TransferFacts: Sendable, Equatable {
    /// Bytes of the request (headers and body) written to the connection. Zero means the server cannot have
    /// seen the request, so retrying is safe.
    public var requestBytesSent: Int
    /// Whether the transfer ran on a connection kept from an earlier transfer (no new connect).
    public var connectionReused: Bool
    /// Phase timings, each measured from the start of the transfer.
    public var timings: TransferTimings
    /// The remote address libcurl connected to, when known (`127.0.0.1:8080`).
    public var remoteAddress: String?

    /// `true` when any request bytes reached the connection: the server may have acted on the request.
    public var requestSent: Bool { requestBytesSent > 0 }

    /// Creates transfer facts.
    public init(
        requestBytesSent: Int = 0,
        connectionReused: Bool = false,
        timings: TransferTimings = TransferTimings(),
        remoteAddress: String? = nil
    ) {
        self.requestBytesSent = requestBytesSent
        self.connectionReused = connectionReused
        self.timings = timings
        self.remoteAddress = remoteAddress
    }
}

/// Cumulative phase timings of a transfer, from libcurl's `*_TIME_T` infos. A phase that did not happen is zero.
public struct TransferTimings: Sendable, Equatable {
    /// Name resolution finished.
    public var nameLookup: Duration
    /// TCP (or Unix socket) connect finished.
    public var connect: Duration
    /// TLS handshake finished (zero for plain HTTP).
    public var tlsHandshake: Duration
    /// The first response byte arrived.
    public var firstByte: Duration
    /// The whole transfer.
    public var total: Duration

    /// Creates timings.
    public init(
        nameLookup: Duration = .zero,
        connect: Duration = .zero,
        tlsHandshake: Duration = .zero,
        firstByte: Duration = .zero,
        total: Duration = .zero
    ) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
    }
}
