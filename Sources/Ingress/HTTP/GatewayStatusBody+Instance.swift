import ReplayCore
import Strait

extension GatewayStatusBody {
    /// `instance`: this instance's id and, with the PostgreSQL instance registry, the live instances at the last
    /// heartbeat. (The leases it holds and the fleet's budget are not reported yet: they join this object when
    /// those stores are wired in.)
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

        var id: String
        /// `true` when the instance registry runs (PostgreSQL backend).
        var registry: Bool
        var instances: [Live]?
        var skewMilliseconds: Int64?
        var registryError: String?
        /// Another live process that wrote this instance id's row: two instances share an id.
        var idClaimedBy: Live?

        enum CodingKeys: String, CodingKey {
            case id, registry, instances
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
        }

        static func timestamp(_ milliseconds: Int64) -> String {
            let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
            let nanoseconds = Int32((milliseconds - seconds * 1000) * 1_000_000)
            return StraitTimestamp(secondsSinceEpoch: seconds, nanoseconds: nanoseconds).rawValue
        }
    }
}
