/// What ``FollowUpOutbox/enqueue(_:)`` did.
public enum FollowUpEnqueueResult: Sendable, Hashable {
    /// Stored; the worker will post it.
    case enqueued(FollowUp)
    /// A follow-up with this id was already stored (a duplicate delivery): nothing changed, and this is the stored
    /// one, whatever its state.
    case duplicate(FollowUp)

    /// The stored follow-up.
    public var followUp: FollowUp {
        switch self {
        case .enqueued(let followUp), .duplicate(let followUp): followUp
        }
    }
}
