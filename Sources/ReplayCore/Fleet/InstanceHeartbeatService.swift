import Logging
import ServiceLifecycle

/// Keeps this instance's row in the registry fresh: a heartbeat at once, then every ``interval`` on the injected
/// clock, each one updating ``FleetView``. A failed heartbeat is logged and retried at the next tick (the registry
/// is for operators: replays do not depend on it). At a graceful stop the row is removed, so that the instance
/// stops counting as live at once.
public struct InstanceHeartbeatService: Service {
    /// How often a heartbeat is written by default.
    public static let defaultInterval: Duration = .seconds(10)

    let registry: any InstanceRegistry
    let identity: InstanceIdentity
    let clock: any ReplayClock
    let view: FleetView
    /// Where each heartbeat samples the fleet's upstream budget for the view (`nil`: no shared budget).
    let budget: (@Sendable () async -> UpstreamBudgetState?)?
    /// The time between heartbeats.
    public let interval: Duration
    /// How recent a heartbeat must be for its instance to count as live (three intervals).
    public var liveWithin: Duration { interval * 3 }
    let logger: Logger

    /// A heartbeat of `identity` into `registry` every `interval` of `clock`, reported to `view`.
    public init(
        registry: any InstanceRegistry,
        identity: InstanceIdentity,
        clock: any ReplayClock,
        view: FleetView,
        interval: Duration = InstanceHeartbeatService.defaultInterval,
        budget: (@Sendable () async -> UpstreamBudgetState?)? = nil,
        logger: Logger
    ) {
        self.registry = registry
        self.identity = identity
        self.clock = clock
        self.view = view
        self.interval = interval
        self.budget = budget
        self.logger = logger
    }

    /// One heartbeat: reads the clock, upserts the row, records the result in the view.
    @discardableResult
    public func beat() async -> InstanceHeartbeat? {
        if let budget { view.record(budget: await budget()) }
        do throws(StoreError) {
            let heartbeat = try await registry.heartbeat(
                identity,
                localNowMilliseconds: clock.wallNowMilliseconds(),
                liveWithin: liveWithin
            )
            view.record(heartbeat)
            if let other = heartbeat.claimedByOther {
                logger.error(
                    "another live replayd uses this instance id: give every instance its own [state] instance_id",
                    metadata: [
                        "instance": "\(identity.id)", "other_host": "\(other.host)", "other_pid": "\(other.pid)",
                    ]
                )
            }
            return heartbeat
        } catch {
            view.record(failure: error.message)
            logger.warning("instance heartbeat failed", metadata: ["error": "\(error.message)"])
            return nil
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await beat()
                do {
                    try await clock.sleep(for: interval)
                } catch {
                    return
                }
            }
        }
        do throws(StoreError) {
            try await registry.remove(identity)
        } catch {
            logger.notice("could not remove the instance from the registry", metadata: ["error": "\(error.message)"])
        }
    }
}
