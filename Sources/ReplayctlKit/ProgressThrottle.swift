/// Limits how often a progress line is redrawn: at most once per `interval`, except when forced (the last draw).
public struct ProgressThrottle: Sendable, Hashable {
    /// The least time between two draws.
    public let interval: Duration
    private var lastDraw: Duration?

    /// Creates a throttle.
    public init(interval: Duration = .milliseconds(100)) {
        self.interval = interval
    }

    /// Whether to draw at `now` (a monotonic reading); records the draw when it says yes.
    public mutating func shouldDraw(at now: Duration, force: Bool = false) -> Bool {
        if !force, let lastDraw, now - lastDraw < interval { return false }
        lastDraw = now
        return true
    }
}
