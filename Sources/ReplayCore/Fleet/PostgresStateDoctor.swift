import Logging
import PostgresNIO

/// The PostgreSQL state checks of `replayd doctor`: the connection, the migrations, this machine's clock against
/// the database's `now()`, and the skew each other live instance recorded at its last heartbeat.
///
/// Skew matters because every instance checks webhook timestamps against its own clock: past half the webhook
/// timestamp tolerance an instance is warned about, past the whole tolerance it refuses good deliveries (this
/// machine's skew then fails the check; another instance's is a warning here, since its own doctor fails it).
public struct PostgresStateDoctor: Sendable {
    let client: PostgresClient
    let clock: any ReplayClock
    /// `[webhooks] timestamp_tolerance`.
    let tolerance: Duration
    /// This instance's id, left out of "the other instances".
    let instanceID: String
    /// How recent a heartbeat must be to count as live.
    let liveWithin: Duration
    let logger: Logger

    /// The checks on `client` (which the caller runs), reading this machine's time from `clock`.
    public init(
        client: PostgresClient,
        clock: any ReplayClock,
        tolerance: Duration,
        instanceID: String,
        liveWithin: Duration = InstanceHeartbeatService.defaultInterval * 3,
        logger: Logger
    ) {
        self.client = client
        self.clock = clock
        self.tolerance = tolerance
        self.instanceID = instanceID
        self.liveWithin = liveWithin
        self.logger = logger
    }

    /// Runs every check, in order; a check that cannot run because an earlier one failed is left out.
    public func run() async -> [StateDoctorFinding] {
        var findings: [StateDoctorFinding] = []
        let before = clock.wallNowMilliseconds()
        let reading: (now: Int64, version: String)
        do {
            reading = try await client.withConnection { connection in
                let rows = try await PostgresReplayStore.rows(
                    connection,
                    logger,
                    "SELECT \(PostgresInstanceRegistry.nowMilliseconds), current_setting('server_version')"
                )
                guard let row = rows.first else { throw StoreError(.io, "SELECT now() returned no row") }
                let (now, version) = try row.decode((Int64, String).self)
                return (now: now, version: version)
            }
        } catch {
            let failure = PostgresReplayStore.storeError(
                error,
                "connecting to the PostgreSQL state",
                code: .unavailable
            )
            return [
                StateDoctorFinding(
                    check: "database",
                    status: .fail,
                    message: failure.message,
                    fix: "check [state] url_env / url_file (host, port, user, password), sslmode and ca_file, that the "
                        + "server is up and that pg_hba.conf lets this host in"
                )
            ]
        }
        let after = clock.wallNowMilliseconds()
        findings.append(
            StateDoctorFinding(check: "database", status: .ok, message: "connected (PostgreSQL \(reading.version))")
        )
        // The database read its clock somewhere between the two local readings: compare with their midpoint.
        let skew = before + (after - before) / 2 - reading.now
        findings.append(skewFinding(skew, round: after - before))

        let migrated: Bool
        do throws(StoreError) {
            switch try await PostgresStateMigrator(client: client, logger: logger).status() {
            case .current:
                migrated = true
                findings.append(StateDoctorFinding(check: "migrations", status: .ok, message: "the schema is current"))
            case .behind(let missing):
                migrated = !missing.contains(Self.registryMigration)
                findings.append(
                    StateDoctorFinding(
                        check: "migrations",
                        status: .fail,
                        message: "missing migrations: \(missing.joined(separator: ", ")); `serve` refuses to start",
                        fix: "run `replayd state migrate --config FILE` (one instance is enough)"
                    )
                )
            case .ahead(let unknown):
                migrated = true
                findings.append(
                    StateDoctorFinding(
                        check: "migrations",
                        status: .fail,
                        message: "migrated by a newer replayd (\(unknown.joined(separator: ", ")) unknown to this one)",
                        fix: "upgrade this replayd to the version the rest of the fleet runs"
                    )
                )
            }
        } catch {
            findings.append(
                StateDoctorFinding(check: "migrations", status: .fail, message: error.message, fix: nil)
            )
            return findings
        }
        guard migrated else { return findings }
        do throws(StoreError) {
            let (_, instances) = try await PostgresInstanceRegistry(client: client, logger: logger).live(
                within: liveWithin
            )
            findings.append(fleetFinding(instances.filter { $0.id != instanceID }))
        } catch {
            findings.append(StateDoctorFinding(check: "fleet", status: .warn, message: error.message, fix: nil))
        }
        return findings
    }

    /// The migration that creates the registry.
    static let registryMigration = "v7-instances"

    /// The half of the tolerance past which skew is a warning (and at most 30 s, as the upstream clock check).
    var warnAfterMilliseconds: Int64 {
        min(PostgresInstanceRegistry.milliseconds(tolerance) / 2, 30_000)
    }

    func skewFinding(_ skew: Int64, round: Int64) -> StateDoctorFinding {
        let limit = PostgresInstanceRegistry.milliseconds(tolerance)
        let text =
            "this machine's clock is \(Self.seconds(skew)) from the database's now() "
            + "(measured over a \(round) ms round trip; webhook window ±\(limit / 1000) s)"
        if abs(skew) >= limit {
            return StateDoctorFinding(
                check: "skew",
                status: .fail,
                message: text,
                fix: "sync this host's clock (NTP, `timedatectl status`); signed webhooks are refused until then"
            )
        }
        if abs(skew) >= warnAfterMilliseconds {
            return StateDoctorFinding(
                check: "skew",
                status: .warn,
                message: text,
                fix: "sync this host's clock (NTP) before it drifts out of the webhook window"
            )
        }
        return StateDoctorFinding(check: "skew", status: .ok, message: text)
    }

    func fleetFinding(_ others: [InstanceRecord]) -> StateDoctorFinding {
        guard !others.isEmpty else {
            return StateDoctorFinding(
                check: "fleet",
                status: .ok,
                message: "no other live instance (heartbeat within \(liveWithin.components.seconds) s)"
            )
        }
        let listed = others.map { "\($0.id) on \($0.host) \(Self.seconds($0.skewMilliseconds))" }
        let off = others.filter { abs($0.skewMilliseconds) >= warnAfterMilliseconds }
        guard off.isEmpty else {
            return StateDoctorFinding(
                check: "fleet",
                status: .warn,
                message: "\(others.count) other live instance\(others.count == 1 ? "" : "s"), skew against the "
                    + "database: \(listed.joined(separator: "; ")); past ±\(warnAfterMilliseconds / 1000) s: "
                    + off.map(\.id).joined(separator: ", "),
                fix: "sync the clocks of those hosts (NTP); run `replayd doctor` there"
            )
        }
        return StateDoctorFinding(
            check: "fleet",
            status: .ok,
            message: "\(others.count) other live instance\(others.count == 1 ? "" : "s"), skew against the "
                + "database: \(listed.joined(separator: "; "))"
        )
    }

    /// `+1.234 s` / `-0.050 s`.
    static func seconds(_ milliseconds: Int64) -> String {
        let sign = milliseconds < 0 ? "-" : "+"
        let value = abs(milliseconds)
        let fraction = String(value % 1000)
        return "\(sign)\(value / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction) s"
    }
}
