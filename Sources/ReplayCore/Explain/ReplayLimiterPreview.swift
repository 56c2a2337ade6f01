/// The seam explain reads limits through: a limiter's state for a request, without taking a token. A limiter
/// stage conforms by reporting, for each limit that applies to `request`, what ``LimitState`` it holds now; the
/// request is refused (429 `rate_limited`) exactly when one of them ``LimitState/refuses``.
public protocol ReplayLimiterPreview: Sendable {
    /// The limits that apply to `request` by `principal`, as they stand now. No side effects: nothing is spent.
    func peek(_ principal: Principal, _ request: ReplayRequest) async -> [LimitState]
}

/// No limits configured: nothing to show, nothing refused.
public struct NoReplayLimits: ReplayLimiterPreview {
    /// Creates the preview.
    public init() {}

    public func peek(_ principal: Principal, _ request: ReplayRequest) async -> [LimitState] { [] }
}
