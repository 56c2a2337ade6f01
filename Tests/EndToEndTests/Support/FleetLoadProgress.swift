import Synchronization

/// The progress of a fleet load test, shared by its concurrent callers: how many keys have their answers, and
/// whether the instance to kill has been killed (a caller whose daemon vanished after that asks the survivor).
final class FleetLoadProgress: Sendable {
    private let answers = Atomic<Int>(0)
    private let wasKilled = Atomic<Bool>(false)

    /// Counts one more key with its answers.
    func answered() { _ = answers.add(1, ordering: .relaxed) }

    /// How many keys have their answers.
    var answeredCount: Int { answers.load(ordering: .relaxed) }

    /// Marks the instance killed (call just before killing it).
    func kill() { wasKilled.store(true, ordering: .releasing) }

    /// Whether the instance has been killed.
    var killed: Bool { wasKilled.load(ordering: .acquiring) }
}
