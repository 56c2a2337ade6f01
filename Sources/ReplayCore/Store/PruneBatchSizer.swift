/// Sizes the batches of one retention-pruning pass by how long each held the store's writer, so that a replay never
/// waits behind a long delete: every write queued while a batch runs waits for its commit.
///
/// - **Size by measured time.** A batch that held the writer longer than ``target`` makes the next one smaller in
///   proportion; a faster one lets it grow, at most doubling (one quick batch on a warm cache must not make the next
///   one huge). The cost of a record is mostly its share of the commit (its pages of five indexes and its attempts,
///   written to the WAL and synced), so it varies with the disk, the cache and the machine's load, and is measured
///   rather than guessed.
/// - **Yield between batches.** After each batch the pass leaves the writer to other writes for ``restRatio`` times
///   as long as the batch held it, so pruning takes at most `1 / (1 + restRatio)` of the writer's time.
///
/// Pure arithmetic on the durations it is given: the store measures them.
public struct PruneBatchSizer: Sendable, Equatable {
    /// How long one batch should hold the writer: 4 ms.
    public static let defaultTarget: Duration = .milliseconds(4)
    /// The first batch's size: 32 records.
    public static let defaultInitial = 32

    /// How long one batch should hold the writer.
    public let target: Duration
    /// The fewest records a batch deletes (at least 1).
    public let minimum: Int
    /// The most records a batch deletes.
    public let maximum: Int
    /// The rest before the next batch, as a multiple of how long the last one held the writer (0: none).
    public let restRatio: Double
    /// How many records the next batch deletes.
    public private(set) var size: Int

    /// Creates a sizer.
    ///
    /// - Parameters:
    ///   - target: how long one batch should hold the writer; zero or less counts as one microsecond.
    ///   - initial: the first batch's size, kept within `minimum...maximum`.
    ///   - minimum: the fewest records a batch deletes; raised to 1.
    ///   - maximum: the most; raised to `minimum`.
    ///   - restRatio: the rest after a batch, as a multiple of its time on the writer; negative counts as zero.
    public init(
        target: Duration = PruneBatchSizer.defaultTarget,
        initial: Int = PruneBatchSizer.defaultInitial,
        minimum: Int = 1,
        maximum: Int = 500,
        restRatio: Double = 1
    ) {
        self.target = max(target, .microseconds(1))
        self.minimum = max(1, minimum)
        self.maximum = max(self.minimum, maximum)
        self.restRatio = restRatio > 0 ? restRatio : 0
        size = min(max(initial, self.minimum), self.maximum)
    }

    /// Batches of `size` records back to back, whatever they take: how passes ran before sizing (500), for
    /// comparisons.
    public static func fixed(_ size: Int) -> PruneBatchSizer {
        PruneBatchSizer(initial: size, minimum: size, maximum: size, restRatio: 0)
    }

    /// Takes how long the last batch (of ``size`` records) held the writer, sets the next batch's ``size``, and
    /// returns how long to leave the writer to others before it.
    public mutating func record(held: Duration) -> Duration {
        let held = max(held, .zero)
        var next = size > maximum / 2 ? maximum : size * 2
        if held > .zero {
            let scaled = (Double(size) * (target / held)).rounded(.down)
            if scaled < Double(next) { next = Int(scaled) }
        }
        size = min(max(next, minimum), maximum)
        return restRatio > 0 ? held * restRatio : .zero
    }
}
