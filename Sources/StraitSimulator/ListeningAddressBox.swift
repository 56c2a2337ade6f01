import Synchronization

/// Where the simulator listens, for callers that wait until it is bound (tests start it on port 0).
final class ListeningAddressBox: Sendable {
    typealias Address = (host: String, port: Int)

    private enum State {
        /// Not bound yet; callers wait.
        case waiting
        /// Listening.
        case bound(host: String, port: Int)
        /// Not listening: binding failed or the simulator stopped.
        case finished(SimulatorError)
    }

    private struct Box {
        var state: State = .waiting
        var nextWaiterID = 0
        var waiters: [Int: CheckedContinuation<Address, any Error>] = [:]
        var cancelled: Set<Int> = []
    }

    private let box = Mutex(Box())

    /// Marks the start of a run. Throws when a run is already listening.
    func starting() throws(SimulatorError) {
        try box.withLock { (box: inout Box) throws(SimulatorError) in
            if case .bound = box.state {
                throw SimulatorError(code: .alreadyRunning, message: "the simulator is already running")
            }
            box.state = .waiting
        }
    }

    /// Publishes the bound address and wakes every waiter.
    func bound(host: String, port: Int) {
        let waiters = box.withLock { box in
            box.state = .bound(host: host, port: port)
            defer { box.waiters = [:] }
            return box.waiters
        }
        for waiter in waiters.values { waiter.resume(returning: (host, port)) }
    }

    /// Marks the simulator as not listening (with `error`) and fails every waiter.
    func finished(_ error: SimulatorError) {
        let waiters = box.withLock { box in
            box.state = .finished(error)
            defer { box.waiters = [:] }
            return box.waiters
        }
        for waiter in waiters.values { waiter.resume(throwing: error) }
    }

    /// The bound address, waiting for it if needed.
    ///
    /// - Throws: the ``SimulatorError`` of a failed bind or a stopped simulator, or `CancellationError`.
    func address() async throws -> Address {
        let id = box.withLock { box in
            defer { box.nextWaiterID += 1 }
            return box.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Address, any Error>) in
                let immediate: Result<Address, any Error>? = box.withLock { box in
                    if box.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    switch box.state {
                    case .bound(let host, let port): return .success((host, port))
                    case .finished(let error): return .failure(error)
                    case .waiting:
                        box.waiters[id] = continuation
                        return nil
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = box.withLock { box in
                guard let waiter = box.waiters.removeValue(forKey: id) else {
                    box.cancelled.insert(id)
                    return CheckedContinuation<Address, any Error>?.none
                }
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
