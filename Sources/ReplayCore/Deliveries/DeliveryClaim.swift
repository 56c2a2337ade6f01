/// What claiming a delivery found.
public enum DeliveryClaim: Sendable, Hashable {
    /// The delivery is new: this caller handles it.
    case new
    /// The delivery was answered before: send this answer again, and do nothing else.
    case answered(DeliveryAnswer)
    /// The delivery was claimed but never answered (this process is still on it, or an earlier process stopped
    /// before answering).
    case unanswered
}
