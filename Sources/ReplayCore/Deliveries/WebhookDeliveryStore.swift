/// Durable webhook state: which deliveries were seen and how they were answered (dedup), what is still to be
/// reported once a replay settles, and the automatic-replay budget of each original run.
///
/// **Durability.** An implementation may commit a claim, a release and an answer that owes no reply without
/// waiting for them to reach the disk, provided they get there no later than its next synced write (SQLite: one
/// WAL, whose next `fsync` covers them). That costs nothing in safety: nothing is acted on under a claim before
/// the replay's own claim is synced after it; and should a power cut lose a replyless answer, a later duplicate
/// of that delivery is handled afresh and answered for the same run (its replay key comes from the delivery's
/// identity, so the replay is not repeated). An answer that owes a reply is durable before it returns: that reply
/// is a promise nothing else would remember.
public protocol WebhookDeliveryStore: Sendable {
    /// Claims `delivery` (first writer wins).
    func claimDelivery(_ delivery: DeliveryID, at time: Int64) async throws(StoreError) -> DeliveryClaim

    /// Stores the delivery's answer, and the work left to do after it, in one transaction.
    func answerDelivery(
        _ delivery: DeliveryID,
        answer: DeliveryAnswer,
        reply: PendingReply?
    ) async throws(StoreError)

    /// Forgets a claim that was never answered, so the sender's retry is handled afresh (used when replayd could
    /// not accept the delivery, e.g. its audit log was unavailable).
    func releaseDelivery(_ delivery: DeliveryID) async throws(StoreError)

    /// Replies not yet done, oldest first.
    func pendingReplies(limit: Int) async throws(StoreError) -> [PendingReply]

    /// Marks a delivery's reply as done.
    func finishReply(_ delivery: DeliveryID) async throws(StoreError)

    /// Decides, in one transaction, whether `originalRunID` gets one more automatic replay from `source`:
    /// `decide` sees how many it already had and when the last was (in the unit of `time`, which the caller
    /// chooses; the Strait door uses Unix seconds); when it returns true the count goes up by one and the time
    /// becomes `time`.
    func reserveAutomaticReplay(
        source: String,
        originalRunID: String,
        at time: Int64,
        decide: @escaping @Sendable (_ count: Int, _ lastAt: Int64?) -> Bool
    ) async throws(StoreError) -> Bool

    /// Gives back a reservation when the replay it was for could not be accepted (replayd was unavailable), so
    /// the sender's retry can have it.
    func releaseAutomaticReplay(source: String, originalRunID: String) async throws(StoreError)

    /// The original run of `runID`'s lineage: the run a chain of replays started from, or `runID` itself.
    func originalRun(of runID: String) async throws(StoreError) -> String

    /// Notes that `newRunID` was created (at unix ms `now`) by replaying (a descendant of) `originalRunID`.
    func recordLineage(newRunID: String, originalRunID: String, at now: Int64) async throws(StoreError)

    /// Deletes deliveries received before `cutoff` (unix ms) whose replies are done. Returns how many.
    func pruneDeliveries(receivedBefore cutoff: Int64) async throws(StoreError) -> Int
}
