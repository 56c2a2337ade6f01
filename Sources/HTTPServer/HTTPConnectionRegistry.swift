import NIOCore
import Synchronization

/// The connections of one listener: the total and per-client caps, which connections are working on a request,
/// and the drain at shutdown.
final class HTTPConnectionRegistry: Sendable {
    /// Whether a new connection may be served, and if not, why.
    enum Admission: Sendable, Equatable {
        /// Counted; `release` it when the connection closes.
        case admitted
        /// The listener holds `maxConnections` already.
        case overTotal
        /// This client holds `maxConnectionsPerClient` already.
        case overClient
    }

    private struct Connection {
        var channel: any Channel
        var clientKey: String?
        var counted: Bool
        var busy = false
        /// Requests answered on it; a connection that answered one and is not busy is an idle keep-alive.
        var answered = 0
        /// When it last went idle, to evict the longest idle first.
        var idleSince: UInt64 = 0
        /// Bytes of its next request arrived (the head is not complete yet).
        var receiving = false

        var isIdleKeepAlive: Bool { counted && !busy && !receiving && answered > 0 }
    }

    private struct State {
        var connections: [ObjectIdentifier: Connection] = [:]
        var counted = 0
        var perClient: [String: Int] = [:]
        var busy = 0
        var shuttingDown = false
        var drainWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiterID: UInt64 = 0
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())
    let maxConnections: Int
    let maxConnectionsPerClient: Int

    init(maxConnections: Int, maxConnectionsPerClient: Int) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerClient = maxConnectionsPerClient
    }

    /// Registers an accepted connection. At a cap, the longest-idle keep-alive connection under that cap (one
    /// that has answered a request and is not working on another) is closed to make room, as a client's
    /// connection cache would otherwise hold its share. Only when none is idle is the new connection over the
    /// cap: it is still tracked (so shutdown reaches it) but not counted, and the core answers its first request
    /// with 503 and closes it.
    func open(_ channel: any Channel, clientKey: String?) -> Admission {
        let (admission, evicted) = state.withLock { state -> (Admission, (any Channel)?) in
            var evicted: (any Channel)?
            var admission = Admission.admitted
            if state.counted >= maxConnections {
                evicted = Self.evictIdle(&state) { _ in true }
                if evicted == nil { admission = .overTotal }
            }
            if admission == .admitted, let clientKey, state.perClient[clientKey, default: 0] >= maxConnectionsPerClient
            {
                if let victim = Self.evictIdle(&state, where: { $0.clientKey == clientKey }) {
                    evicted = evicted ?? victim
                } else {
                    admission = .overClient
                }
            }
            if admission == .admitted {
                state.counted += 1
                if let clientKey { state.perClient[clientKey, default: 0] += 1 }
            }
            state.connections[ObjectIdentifier(channel)] = Connection(
                channel: channel,
                clientKey: clientKey,
                counted: admission == .admitted
            )
            return (admission, evicted)
        }
        evicted?.close(promise: nil)
        return admission
    }

    /// Uncounts the longest-idle keep-alive connection that `matches`, and returns it to be closed.
    private static func evictIdle(_ state: inout State, where matches: (Connection) -> Bool) -> (any Channel)? {
        guard
            let (id, victim) = state.connections.filter({ $0.value.isIdleKeepAlive && matches($0.value) })
                .min(by: { $0.value.idleSince < $1.value.idleSince })
        else { return nil }
        state.connections[id]?.counted = false
        state.counted -= 1
        if let key = victim.clientKey {
            let left = state.perClient[key, default: 1] - 1
            state.perClient[key] = left > 0 ? left : nil
        }
        return victim.channel
    }

    /// Forgets a connection that closed.
    func close(_ channel: any Channel) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard let connection = state.connections.removeValue(forKey: ObjectIdentifier(channel)) else { return [] }
            if connection.counted {
                state.counted -= 1
                if let key = connection.clientKey {
                    let left = state.perClient[key, default: 1] - 1
                    state.perClient[key] = left > 0 ? left : nil
                }
            }
            if connection.busy { state.busy -= 1 }
            return Self.takeWaitersIfDrained(&state)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Marks a connection as working on a request (from its head to its response) or not. Returns `true` when
    /// shutdown has begun: the request in hand is answered with `Connection: close`, and no other is read.
    @discardableResult
    func setBusy(_ channel: any Channel, _ busy: Bool) -> Bool {
        let (shuttingDown, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            let id = ObjectIdentifier(channel)
            guard var connection = state.connections[id], connection.busy != busy else {
                return (state.shuttingDown, [])
            }
            connection.busy = busy
            connection.receiving = false
            if !busy {
                connection.answered += 1
                state.tick += 1
                connection.idleSince = state.tick
            }
            state.connections[id] = connection
            state.busy += busy ? 1 : -1
            return (state.shuttingDown, busy ? [] : Self.takeWaitersIfDrained(&state))
        }
        for waiter in waiters { waiter.resume() }
        return shuttingDown
    }

    /// Notes that bytes of a connection's next request arrived, so it is no longer an idle keep-alive that a new
    /// connection could reclaim. Called from the connection's event loop.
    func requestStarted(on channel: any Channel) {
        state.withLock { state in
            state.connections[ObjectIdentifier(channel)]?.receiving = true
        }
    }

    private static func takeWaitersIfDrained(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        guard state.busy == 0, !state.drainWaiters.isEmpty else { return [] }
        defer { state.drainWaiters = [:] }
        return Array(state.drainWaiters.values)
    }

    /// `true` once shutdown has begun.
    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    /// Marks shutdown as begun and closes every connection that is not working on a request (idle keep-alives,
    /// requests still arriving); the busy ones close after their answer.
    func beginShutdown() {
        let idle = state.withLock { state -> [any Channel] in
            state.shuttingDown = true
            return state.connections.values.filter { !$0.busy }.map(\.channel)
        }
        for channel in idle { channel.close(promise: nil) }
    }

    /// Closes every connection still open.
    func closeAll() {
        let channels = state.withLock { $0.connections.values.map(\.channel) }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Connections counted against the caps.
    var connectionCount: Int { state.withLock { $0.counted } }
    /// Requests being worked on.
    var inFlightCount: Int { state.withLock { $0.busy } }

    /// Returns when no request is in progress, or at once when the calling task is cancelled.
    func drained() async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.busy == 0 || Task.isCancelled { return true }
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
