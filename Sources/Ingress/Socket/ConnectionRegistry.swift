import NIOCore
import Synchronization

/// Counts open connections and requests in progress, so a server (the socket door, the webhook listener) can
/// refuse connections over the limit, tell every connection that shutdown began, and drain in-flight requests.
final class ConnectionRegistry: Sendable {
    private struct State {
        var connections = 0
        var inFlight = 0
        var shuttingDown = false
        var drainWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiterID: UInt64 = 0
        var channels: [ObjectIdentifier: any Channel] = [:]
    }

    private let state = Mutex(State())
    let maxConnections: Int

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    /// Registers a new connection; `false` when over the limit (the caller answers 503 and closes).
    func openConnection() -> Bool {
        state.withLock {
            guard $0.connections < maxConnections else { return false }
            $0.connections += 1
            return true
        }
    }

    func closeConnection() {
        state.withLock { $0.connections -= 1 }
    }

    /// Tracks `channel` until it closes, so shutdown can reach idle keep-alive connections. Returns `true` when
    /// shutdown has already begun, so the caller tells the connection itself (it missed the broadcast).
    @discardableResult
    func track(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let shuttingDown = state.withLock { state -> Bool in
            state.channels[id] = channel
            return state.shuttingDown
        }
        channel.closeFuture.whenComplete { _ in
            _ = self.state.withLock { $0.channels.removeValue(forKey: id) }
        }
        return shuttingDown
    }

    /// Marks shutdown as begun and returns the connections open now, to be told.
    func beginShutdown() -> [any Channel] {
        state.withLock { state in
            state.shuttingDown = true
            return Array(state.channels.values)
        }
    }

    /// Closes every tracked connection.
    func closeAll() {
        let channels = state.withLock { Array($0.channels.values) }
        for channel in channels { channel.close(promise: nil) }
    }

    func requestStarted() {
        state.withLock { $0.inFlight += 1 }
    }

    func requestFinished() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inFlight -= 1
            guard state.inFlight == 0 else { return [] }
            defer { state.drainWaiters = [:] }
            return Array(state.drainWaiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    var connectionCount: Int { state.withLock { $0.connections } }
    var inFlightCount: Int { state.withLock { $0.inFlight } }

    /// Returns when no request is in progress, or at once when the calling task is cancelled (the grace period
    /// ran out: it races this against a sleep in a task group, which only returns once both children have).
    func drained() async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.inFlight == 0 || Task.isCancelled { return true }
                    state.drainWaiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.drainWaiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Waits until no request is in progress or `grace` has passed, whichever is first: each child of the group
    /// ends on cancellation, so the group (which awaits all of its children) returns as soon as one is done.
    func drain(within grace: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.drained() }
            group.addTask { try? await Task.sleep(for: grace) }
            await group.next()
            group.cancelAll()
        }
    }
}
