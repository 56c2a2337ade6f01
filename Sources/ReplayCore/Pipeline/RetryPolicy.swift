/// When and how long to wait before retrying an attempt that sent nothing (the only retry that is always safe
/// for a non-idempotent call). Backoff is full jitter (AWS): `random(0, min(maxDelay, baseDelay · 2^(n-1)))`.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, including the first. At least 1.
    public var maxAttempts: Int
    /// The backoff scale.
    public var baseDelay: Duration
    /// The backoff cap.
    public var maxDelay: Duration

    /// Creates a policy.
    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(250), maxDelay: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The delay before retry number `retry` (1 for the first retry), given a uniform `fraction` in [0, 1).
    public func backoff(retry: Int, fraction: Double) -> Duration {
        let exponent = min(max(retry - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        return ceiling * min(max(fraction, 0), 1)
    }
}

/// Uniform randomness for jitter; injected so tests are deterministic.
public protocol JitterSource: Sendable {
    /// A value in [0, 1).
    func nextFraction() -> Double
}

/// `JitterSource` from the system generator.
public struct SystemJitterSource: JitterSource {
    /// Creates the source.
    public init() {}

    public func nextFraction() -> Double { Double.random(in: 0..<1) }
}
