/// Work left after a delivery was answered: post the outcome to the sender's chat (Slack `response_url`, a
/// Discord follow-up), or note which run an automatic replay created. Kept durably with the delivery, so a
/// restart between the ack and the outcome still reports it.
public struct PendingReply: Sendable, Hashable {
    /// What to do once the replay settles.
    public enum Kind: String, Sendable, Hashable {
        /// POST the outcome to a Slack `response_url`.
        case slack
        /// POST the outcome as a Discord follow-up message.
        case discord
        /// Record which run an automatic replay created (Strait sources), so its own failure notification counts
        /// against the original run's budget.
        case lineage
    }

    /// The delivery.
    public var delivery: DeliveryID
    /// What to do.
    public var kind: Kind
    /// The replay record to wait for.
    public var record: ReplayRecordID
    /// The run that was replayed (for lineage: the original run of its lineage).
    public var runID: String
    /// Where to post (`response_url`, or the Discord follow-up URL). It holds a token: never logged.
    public var destination: String?
    /// Unix milliseconds after which the destination no longer accepts posts.
    public var notAfter: Int64

    /// Creates a pending reply.
    public init(
        delivery: DeliveryID,
        kind: Kind,
        record: ReplayRecordID,
        runID: String,
        destination: String?,
        notAfter: Int64
    ) {
        self.delivery = delivery
        self.kind = kind
        self.record = record
        self.runID = runID
        self.destination = destination
        self.notAfter = notAfter
    }
}
