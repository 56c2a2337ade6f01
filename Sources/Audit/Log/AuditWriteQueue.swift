#if canImport(Glibc)
import Glibc
#endif

/// The meeting point of callers and the writer thread: queued records and commands, the health callers see, and
/// the lock and condition variable the writer sleeps on.
///
/// Callers never block on it for longer than a few list operations; the writer blocks in ``next(maxRecords:wait:)``.
/// Continuations are always resumed outside the lock.
final class AuditWriteQueue: @unchecked Sendable {
    /// What a record's (or a checkpoint's) caller hears: run on the writer thread, once, so it must not block.
    typealias Completion = @Sendable (Result<Void, AuditError>) -> Void

    /// A record waiting for its group commit.
    struct Pending {
        var record: AuditRecord
        var completion: Completion
        /// `CLOCK_MONOTONIC` nanoseconds when it was queued.
        var arrival: Int64
        /// Whether it opens new work, and so needs the reserve (see ``AuditLog/recordOpening(_:)``).
        var opensWork = false
    }

    /// Work that is not a record.
    enum Command {
        /// One maintenance pass (recovery, age rotation, retention, the checkpoint interval).
        case maintain(CheckedContinuation<Void, Never>)
        /// Sign and append a checkpoint now.
        case checkpoint(Completion)
    }

    /// What the writer takes next.
    enum Work {
        case commands([Command])
        case records([Pending])
        /// The queue is closing and empty: write the last checkpoint, close, call ``finishClosing()`` and exit.
        case close
    }

    /// What callers see, published by the writer after every change.
    struct Published {
        var status: AuditStatus
        var statistics = AuditLogStatistics()
        /// The error a record gets at once, without queueing (`nil`: queue it).
        var refusal: AuditError?
    }

    // Everything below is guarded by `mutex`.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    // Queued records are `pending[pendingStart...]`: taking a batch moves the start instead of shifting the rest.
    private var pending: [Pending] = []
    private var pendingStart = 0
    private var commands: [Command] = []
    private var closing = false
    private var writerRunning = false
    private var closeWaiters: [CheckedContinuation<Void, Never>] = []
    private var published: Published
    private let maxRecords: Int
    private let waitNanoseconds: Int64

    /// Creates the queue. The writer takes up to `maxRecords` records at a time, waiting up to `wait` after the
    /// first for others to join it.
    init(published: Published, maxRecords: Int, wait: Duration) {
        self.published = published
        self.maxRecords = max(1, maxRecords)
        let (seconds, attoseconds) = max(wait, .zero).components
        self.waitNanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        mutex = UnsafeMutablePointer.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = UnsafeMutablePointer.allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    static func monotonicNanoseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }

    // MARK: Callers

    /// The latest health and statistics.
    var snapshot: Published { locked { published } }

    /// Queues `record`, or resumes `completion` at once with the refusal (closed, degraded, no writer).
    func enqueue(_ record: AuditRecord, opensWork: Bool = false, completion: @escaping Completion) {
        let refusal: AuditError? = locked {
            if closing { return AuditError(.closed, "the audit log is closed") }
            if let refusal = published.refusal { return refusal }
            if !writerRunning { return AuditError(.degraded, "the audit writer is not running") }
            pending.append(
                Pending(
                    record: record,
                    completion: completion,
                    arrival: Self.monotonicNanoseconds(),
                    opensWork: opensWork
                )
            )
            let queued = pending.count - pendingStart
            if queued == 1 || queued == maxRecords { pthread_cond_signal(condition) }
            return nil
        }
        if let refusal { completion(.failure(refusal)) }
    }

    /// Queues a command; returns why not (queueing nothing) when the log is closing or has no writer.
    func submit(_ command: Command) -> AuditError? {
        locked {
            if closing { return AuditError(.closed, "the audit log is closed") }
            guard writerRunning else { return AuditError(.degraded, "the audit writer is not running") }
            commands.append(command)
            pthread_cond_signal(condition)
            return nil
        }
    }

    /// Stops taking records; the writer drains what is queued, then closes. `waiter` (if any) is resumed once the
    /// writer has finished (at once when it is not running).
    func close(waiter: CheckedContinuation<Void, Never>?) {
        let finished: Bool = locked {
            closing = true
            pthread_cond_signal(condition)
            guard writerRunning else { return true }
            if let waiter { closeWaiters.append(waiter) }
            return false
        }
        if finished { waiter?.resume() }
    }

    // MARK: The writer

    /// Whether a writer thread serves the queue: set before the thread starts, cleared if it cannot be.
    func setWriterRunning(_ running: Bool) {
        locked { writerRunning = running }
    }

    /// Publishes health and statistics.
    func publish(_ update: Published) {
        locked { published = update }
    }

    /// Blocks until there is work: every queued command; else up to `maxRecords` records once `maxRecords` are
    /// queued or `wait` has passed since the first of them was queued (at once while closing); else ``Work/close``
    /// when closing.
    func next() -> Work {
        locked {
            while true {
                if !commands.isEmpty {
                    defer { commands = [] }
                    return .commands(commands)
                }
                let queued = pending.count - pendingStart
                if queued > 0 {
                    let deadline = pending[pendingStart].arrival + waitNanoseconds
                    if queued >= maxRecords || closing || Self.monotonicNanoseconds() >= deadline {
                        return .records(takeBatch(min(maxRecords, queued)))
                    }
                    var until = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
                    pthread_cond_timedwait(condition, mutex, &until)
                    continue
                }
                if closing { return .close }
                pthread_cond_wait(condition, mutex)
            }
        }
    }

    /// Takes the first `count` queued records (under the lock).
    private func takeBatch(_ count: Int) -> [Pending] {
        let batch = Array(pending[pendingStart..<(pendingStart + count)])
        pendingStart += count
        if pendingStart == pending.count {
            pending.removeAll(keepingCapacity: pending.capacity <= 4096)
            pendingStart = 0
        } else if pendingStart >= 1024, pendingStart * 2 >= pending.count {
            pending.removeFirst(pendingStart)
            pendingStart = 0
        }
        return batch
    }

    /// Called by the writer as it exits: resumes everyone waiting for the close.
    func finishClosing() {
        let waiters: [CheckedContinuation<Void, Never>] = locked {
            writerRunning = false
            defer { closeWaiters = [] }
            return closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
