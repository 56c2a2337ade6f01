import ReplayCore
import Strait

extension GatewayStatusBody {
    /// `instance`: this instance's id and, with the PostgreSQL backend, the live instances at the last heartbeat,
    /// the leases this instance holds (`leases_held`) and the fleet's shared upstream budget (`budget`).
    struct Instance: Encodable, Sendable {
        /// One live instance.
        struct Live: Encodable, Sendable {
            var id: String
            var host: String
            var pid: Int64
            var version: String
            var lastSeen: String
            var skewMilliseconds: Int64

            enum CodingKeys: String, CodingKey {
                case id, host, pid, version
                case lastSeen = "last_seen"
                case skewMilliseconds = "skew_ms"
            }

            init(_ record: InstanceRecord) {
                id = record.id
                host = record.host
                pid = record.pid
                version = record.version
                lastSeen = Instance.timestamp(record.lastSeenMilliseconds)
                skewMilliseconds = record.skewMilliseconds
            }
        }

        /// The fleet's upstream budget: Strait's learned limit and what is left of it, shared by every instance.
        struct Budget: Encodable, Sendable {
            var limit: Int?
            var remaining: Int?
            var windowEndsInMilliseconds: Int64?
            var pausedForMilliseconds: Int64?
            var granted: Int64
            var reachable: Bool

            enum CodingKeys: String, CodingKey {
                case limit, remaining, granted, reachable
                case windowEndsInMilliseconds = "window_ends_in_ms"
                case pausedForMilliseconds = "paused_for_ms"
            }

            init(_ state: UpstreamBudgetState) {
                limit = state.limit
                remaining = state.remaining
                windowEndsInMilliseconds = state.windowEndsIn.map(Self.milliseconds)
                pausedForMilliseconds = state.pausedFor.map(Self.milliseconds)
                granted = state.granted
                reachable = state.reachable
            }

            private static func milliseconds(_ duration: Duration) -> Int64 {
                let parts = duration.components
                return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
            }
        }

        var id: String
        /// `true` when the instance registry runs (PostgreSQL backend).
        var registry: Bool
        var instances: [Live]?
        var skewMilliseconds: Int64?
        var registryError: String?
        /// Another live process that wrote this instance id's row: two instances share an id.
        var idClaimedBy: Live?
        /// How many records' leases this instance holds (PostgreSQL).
        var leasesHeld: Int?
        var budget: Budget?

        enum CodingKeys: String, CodingKey {
            case id, registry, instances, budget
            case leasesHeld = "leases_held"
            case skewMilliseconds = "skew_ms"
            case registryError = "registry_error"
            case idClaimedBy = "id_claimed_by"
        }

        init(_ snapshot: FleetSnapshot) {
            id = snapshot.instanceID
            registry = snapshot.registered
            instances = snapshot.live?.map(Live.init)
            skewMilliseconds = snapshot.skewMilliseconds
            registryError = snapshot.lastError
            idClaimedBy = snapshot.claimedByOther.map(Live.init)
            leasesHeld = snapshot.leasesHeld
            budget = snapshot.budget.map(Budget.init)
        }

        static func timestamp(_ milliseconds: Int64) -> String {
            let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
            let nanoseconds = Int32((milliseconds - seconds * 1000) * 1_000_000)
            return StraitTimestamp(secondsSinceEpoch: seconds, nanoseconds: nanoseconds).rawValue
        }
    }
}
