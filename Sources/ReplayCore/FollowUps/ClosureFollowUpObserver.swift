/// A ``FollowUpObserver`` backed by a closure.
public struct ClosureFollowUpObserver: FollowUpObserver {
    private let body: @Sendable (FollowUpEvent) async -> Void

    /// Creates an observer that hands every event to `body`.
    public init(_ body: @escaping @Sendable (FollowUpEvent) async -> Void) {
        self.body = body
    }

    public func followUpAttempted(_ event: FollowUpEvent) async {
        await body(event)
    }
}
