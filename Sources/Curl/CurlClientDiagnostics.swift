/// Counters of a `CurlClient`, for tests, benchmarks and the status endpoint. A consistent snapshot.
public struct CurlClientDiagnostics: Sendable, Equatable {
    /// Transfers submitted but not yet picked up by the network thread.
    public var queued: Int = 0
    /// Transfers whose easy handle is in the multi handle right now.
    public var inFlight: Int = 0
    /// The most transfers that were in the multi handle at the same time.
    public var peakInFlight: Int = 0
    /// Transfers that reached the network thread and finished, in any way.
    public var completed: Int = 0
    /// The network thread's id (`pthread_self`), once it runs.
    public var networkThreadID: UInt64?
    /// Every thread that ever called into a libcurl handle (easy or multi) of this client or ran one of its
    /// callbacks. With the design working, exactly `[networkThreadID]`.
    public var handleThreadIDs: Set<UInt64> = []

    /// Creates empty counters.
    public init() {}
}
