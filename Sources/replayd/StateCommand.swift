import ArgumentParser
import Foundation
import Logging
import ReplayCore

/// `replayd state migrate|status --config FILE`: the PostgreSQL state's schema.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Work with the replay state database.",
        subcommands: [MigrateCommand.self, StatusCommand.self]
    )

    /// Applies the missing migrations.
    struct MigrateCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Bring the PostgreSQL state database to this replayd's schema.",
            discussion: """
                Applies the migrations the database lacks, in one transaction (all or none), under a lock, so
                several instances may run it at once. `serve` never migrates a PostgreSQL database itself: it
                refuses to start until this has run. A database migrated by a newer replayd is refused. With
                backend = "sqlite" there is nothing to do (`serve` migrates its own file). Exit status: 0 done or
                already current, 1 failed, 3 config error.

                Example:
                  REPLAYD_STATE_URL=postgres://replayd@db.internal/replayd replayd state migrate --config /etc/replayd/replayd.toml
                """
        )

        @Option(name: .long, help: ArgumentHelp("The config file (TOML).", valueName: "file"))
        var config: String

        func run() async throws {
            guard let connection = try StateCommand.postgresSettings(config: config) else {
                print("[state] backend = \"sqlite\": nothing to migrate (serve migrates its SQLite file)")
                return
            }
            let logger = Logger(label: "replayd.state")
            do {
                let applied = try await PostgresClientScope.withClient(connection, logger: logger) { client in
                    try await PostgresStateMigrator(client: client, logger: logger).migrate()
                }
                print(
                    applied.isEmpty
                        ? "\(connection): already current"
                        : "\(connection): applied \(applied.joined(separator: ", "))"
                )
            } catch let error as StoreError {
                FileHandle.standardError.write(Data("replayd: \(error.message)\n".utf8))
                throw ExitCode(1)
            } catch {
                FileHandle.standardError.write(Data("replayd: the PostgreSQL state could not be reached\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// Tells whether the database is current.
    struct StatusCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Tell whether the PostgreSQL state database is migrated.",
            discussion: """
                Exit status: 0 current, 1 not migrated, newer or unreachable, 3 config error.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The config file (TOML).", valueName: "file"))
        var config: String

        func run() async throws {
            guard let connection = try StateCommand.postgresSettings(config: config) else {
                print("[state] backend = \"sqlite\": serve migrates its SQLite file itself")
                return
            }
            let logger = Logger(label: "replayd.state")
            do {
                try await PostgresClientScope.withClient(connection, logger: logger) { client in
                    try await PostgresStateMigrator(client: client, logger: logger).requireCurrent()
                }
                print("\(connection): current")
            } catch let error as StoreError {
                FileHandle.standardError.write(Data("replayd: \(error.message)\n".utf8))
                throw ExitCode(1)
            } catch {
                FileHandle.standardError.write(Data("replayd: the PostgreSQL state could not be reached\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    /// The PostgreSQL connection settings of the config at `config`, or `nil` for the SQLite backend.
    static func postgresSettings(config: String) throws -> PostgresConnectionSettings? {
        let settings: ReplaydConfig
        do {
            settings = try ReplaydConfig.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("replayd: invalid config:\n\(error)\n".utf8))
            throw ExitCode(3)
        }
        guard settings.state.backend == .postgres, let postgres = settings.state.postgres else { return nil }
        do {
            return try postgres.connectionSettings()
        } catch {
            FileHandle.standardError.write(Data("replayd: [state]: \(error.description)\n".utf8))
            throw ExitCode(3)
        }
    }
}
