import Foundation
import Logging
import PostgresNIO
import ReplayCore

extension DoctorCommand {
    /// With `[state] backend = "postgres"`: the connection, the migrations, this machine's clock against the
    /// database's `now()`, and the skew the other live instances recorded (``PostgresStateDoctor``). Nothing for
    /// SQLite. A database that does not answer within the connect timeout (plus a margin) fails the check.
    static func state(_ settings: ReplaydConfig) async -> [DoctorFinding] {
        guard settings.state.backend == .postgres else { return [] }
        let fix = "set [state] url_env or url_file to postgres://USER:PASSWORD@HOST:PORT/DATABASE"
        guard let postgres = settings.state.postgres else {
            return [DoctorFinding(check: "database", status: .fail, message: "no database URL", fix: fix)]
        }
        let connection: PostgresConnectionSettings
        do {
            connection = try postgres.connectionSettings()
        } catch {
            return [DoctorFinding(check: "database", status: .fail, message: error.description, fix: fix)]
        }
        var quiet = Logger(label: "replayd.doctor")
        quiet.logLevel = .error
        let logger = quiet
        let doctor = { @Sendable (client: PostgresClient) async -> [StateDoctorFinding] in
            await PostgresStateDoctor(
                client: client,
                clock: SystemReplayClock(),
                tolerance: settings.webhooks.timestampTolerance,
                instanceID: settings.state.resolvedInstanceID(),
                logger: logger
            ).run()
        }
        let limit = connection.connectTimeout + .seconds(5)
        let findings: [StateDoctorFinding]? = await withTaskGroup(of: [StateDoctorFinding]?.self) { group in
            group.addTask {
                do {
                    return try await PostgresClientScope.withClient(connection, logger: logger) { await doctor($0) }
                } catch let error as StoreError {
                    // The scope's probing connection failed: its reason, at once.
                    return [
                        StateDoctorFinding(
                            check: "database",
                            status: .fail,
                            message: error.message,
                            fix: "check [state] url_env / url_file (host, port, user, password), sslmode and "
                                + "ca_file, that the server is up and that pg_hba.conf lets this host in"
                        )
                    ]
                } catch {
                    return nil
                }
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let findings else {
            return [
                DoctorFinding(
                    check: "database",
                    status: .fail,
                    message: "\(connection) did not answer within \(limit.components.seconds) s",
                    fix: "check the host and port in [state] url_env / url_file, the network path, and that the "
                        + "server is up"
                )
            ]
        }
        return findings.map { finding in
            let status: DoctorFinding.Status =
                switch finding.status {
                case .ok: .ok
                case .warn: .warn
                case .fail: .fail
                }
            let message = finding.check == "database" ? "\(connection): \(finding.message)" : finding.message
            return DoctorFinding(check: finding.check, status: status, message: message, fix: finding.fix)
        }
    }
}
