import ArgumentParser
import Audit
import Foundation
import Logging
import ReplayCore
import Strait

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `replayd token create|list|revoke`: team tokens for the team door (`[team] listen`).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke team tokens for the team door.",
        discussion: """
            A team token lets a teammate on another machine replay through the team door ([team] listen) with \
            Strait's own clients: STRAIT_SERVER=http://gateway:port STRAIT_API_KEY=<token>. A token acts as one \
            [[principals]] name. Only a keyed hash of it is stored (HMAC-SHA256 under [team] token_key_file), so \
            the token is shown once, at creation.

            These commands write the state database directly and work while the daemon runs; run them as the \
            user replayd runs as. A revocation takes effect on the next request. The daemon records every \
            creation and revocation in its audit log (within a second, or when it next starts).

            Exit status: 0; 1 when the config, the key or the state database cannot be used; 2 for a bad \
            argument or an unknown token id.
            """,
        subcommands: [TokenCreateCommand.self, TokenListCommand.self, TokenRevokeCommand.self]
    )

    /// Prints `message` to standard error and returns the exit code for `code`.
    static func failure(_ command: String, _ message: String, code: Int32 = 1) -> ExitCode {
        FileHandle.standardError.write(Data("replayd token \(command): \(message)\n".utf8))
        return ExitCode(code)
    }

    /// The exit code for an admin error.
    static func failure(_ command: String, _ error: TeamTokenAdminError) -> ExitCode {
        failure(command, error.message, code: error.code == .unavailable ? 1 : 2)
    }
}

/// `--config`, shared by the token commands, and what they open from it.
struct TokenStateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The replayd config file (TOML).", valueName: "file"))
    var config: String

    /// Runs `body` with the admin over the config's state store (the SQLite file, or the PostgreSQL database with
    /// `[state] backend = "postgres"`) and token key, then closes the store.
    func withAdmin<T: Sendable>(_ command: String, _ body: (TeamTokenAdmin) async throws -> T) async throws -> T {
        let bytes: [UInt8]
        do {
            bytes = try AuditFiles.read(config)
        } catch {
            throw TokenCommand.failure(command, "cannot read the config: \(error.description)")
        }
        let settings: ReplaydConfig
        do {
            // Secrets are not loaded: managing tokens must not need the Strait API key.
            settings = try ReplaydConfig.decode(
                toml: String(decoding: bytes, as: UTF8.self),
                file: config,
                environment: nil
            )
        } catch {
            throw TokenCommand.failure(command, "invalid config:\n\(error)")
        }
        let trust = FileTrust.system()
        let stateDirectory = settings.state.directory
        do {
            try trust.prepareDirectory(stateDirectory, role: .state)
        } catch {
            throw TokenCommand.failure(command, error.description)
        }
        // The daemon must be able to use what this command creates: refuse to write as another user.
        var info = stat()
        if lstat(stateDirectory, &info) == 0, info.st_uid != geteuid() {
            throw TokenCommand.failure(
                command,
                "the state directory \(stateDirectory) belongs to uid \(info.st_uid), not to uid \(geteuid()); "
                    + "run this as the user replayd runs as, such as: sudo -u '#\(info.st_uid)' replayd token …"
            )
        }
        let key: TeamTokenKey
        do {
            key = try TeamTokenKey.load(
                settings.team.tokenKeyPath(state: settings.state),
                create: settings.team.tokenKeyFile == nil,
                trust: trust
            ).key
        } catch {
            throw TokenCommand.failure(command, error.message)
        }
        var logger = Logger(label: "replayd.token")
        logger.logLevel = .warning
        let principals = Set(settings.principals.map(\.name))
        switch settings.state.backend {
        case .sqlite:
            let store: SQLiteReplayStore
            do {
                store = try SQLiteReplayStore(path: stateDirectory + "/replayd.sqlite", logger: logger)
            } catch {
                throw TokenCommand.failure(command, "cannot open the state database: \(error.message)")
            }
            defer { try? store.close() }
            return try await body(
                TeamTokenAdmin(store: store, key: key, principals: principals, clock: SystemReplayClock())
            )
        case .postgres:
            let connection = try Self.postgresConnection(command, settings)
            do {
                return try await PostgresClientScope.withStore(connection, logger: logger) { store in
                    do {
                        try await PostgresStateMigrator(client: store.client, logger: logger).requireCurrent()
                    } catch let error as StoreError {
                        throw TokenCommand.failure(command, "the PostgreSQL state at \(connection): \(error.message)")
                    }
                    return try await body(
                        TeamTokenAdmin(store: store, key: key, principals: principals, clock: SystemReplayClock())
                    )
                }
            } catch let error as ExitCode {
                throw error
            } catch {
                throw TokenCommand.failure(command, "the PostgreSQL state at \(connection) could not be used")
            }
        }
    }

    /// The PostgreSQL connection of `settings`, its URL (a secret the config was read without) loaded now.
    private static func postgresConnection(
        _ command: String,
        _ settings: ReplaydConfig
    ) throws -> PostgresConnectionSettings {
        guard var postgres = settings.state.postgres else {
            throw TokenCommand.failure(command, "[state] backend = \"postgres\" needs url_env or url_file")
        }
        do {
            postgres.url = try postgres.urlSource.resolve(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw TokenCommand.failure(command, "[state]: \(error.message)")
        }
        do {
            return try postgres.connectionSettings()
        } catch {
            throw TokenCommand.failure(command, "[state]: \(error.description)")
        }
    }

    /// Who is acting, as the audit log records it.
    static var actor: String { "cli:uid=\(getuid())" }
}

/// `-o text|json` for the token commands.
enum TokenOutput: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `replayd token create --principal P [--expires 30d] [--note …]`.
struct TokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a token for a principal and print it once.",
        discussion: """
            Prints the token alone on standard output (details on standard error), or with -o json an object \
            with id, token, principal, created_at, expires_at and note. Store it at once: it cannot be shown \
            again. Examples:

              replayd token create --config /etc/replayd/replayd.toml --principal alice --expires 30d \\
                --note "alice's laptop"
              replayd token create --config ./replayd.toml --principal ci --expires never -o json
            """
    )

    @OptionGroup var options: TokenStateOptions

    @Option(name: .long, help: ArgumentHelp("The [[principals]] name the token acts as.", valueName: "name"))
    var principal: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How long the token works: 30d, 12h, 90m, or never.",
            valueName: "duration"
        )
    )
    var expires: String = "90d"

    @Option(name: .long, help: ArgumentHelp("Who or what the token is for (at most 200 bytes).", valueName: "text"))
    var note: String?

    @Option(name: [.customShort("o"), .long], help: "Output format: text or json.")
    var output: TokenOutput = .text

    func run() async throws {
        let lifetime: Duration?
        switch TeamTokenAdmin.parseLifetime(expires) {
        case .success(let parsed): lifetime = parsed
        case .failure(let error): throw TokenCommand.failure("create", error)
        }
        let (principal, note) = (principal, note)
        let created = try await options.withAdmin("create") { admin in
            do {
                return try await admin.create(
                    principal: principal,
                    lifetime: lifetime,
                    note: note,
                    by: TokenStateOptions.actor
                )
            } catch let error as TeamTokenAdminError {
                throw TokenCommand.failure("create", error)
            }
        }
        let view = TeamTokenView(created.record, now: created.record.createdAt, token: created.token)
        switch output {
        case .json:
            print(try TokenListCommand.json(view))
        case .text:
            print(created.token)
            FileHandle.standardError.write(
                Data(
                    ("created \(view.id) for principal \(view.principal), expires \(view.expiresAt ?? "never"); "
                        + "store the token now, it is not shown again\n").utf8
                )
            )
        }
    }
}

/// `replayd token list`.
struct TokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tokens (never the tokens themselves), newest first.",
        discussion: """
            Columns: ID, PRINCIPAL, STATE (active, revoked, expired), CREATED, EXPIRES, LAST USED, NOTE. With \
            -o json: an array of objects (id, principal, state, created_at, expires_at, last_used_at, note, \
            created_by, revoked_at, revoked_by).
            """
    )

    @OptionGroup var options: TokenStateOptions

    @Option(name: [.customShort("o"), .long], help: "Output format: text or json.")
    var output: TokenOutput = .text

    func run() async throws {
        let records = try await options.withAdmin("list") { admin in
            do {
                return try await admin.list()
            } catch let error as TeamTokenAdminError {
                throw TokenCommand.failure("list", error)
            }
        }
        let now = SystemReplayClock().wallNowMilliseconds()
        let views = records.map { TeamTokenView($0, now: now) }
        switch output {
        case .json:
            print(try Self.json(views))
        case .text:
            print(Self.table(views), terminator: "")
        }
    }

    /// `value` as JSON, keys sorted.
    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try StraitJSON.encoder.encode(value), as: UTF8.self)
    }

    /// The token table, one line per token under a header; "no tokens" when there are none.
    static func table(_ views: [TeamTokenView]) -> String {
        guard !views.isEmpty else { return "no tokens\n" }
        let header = ["ID", "PRINCIPAL", "STATE", "CREATED", "EXPIRES", "LAST USED", "NOTE"]
        let rows = views.map { view in
            [
                view.id, view.principal, view.state, view.createdAt, view.expiresAt ?? "never",
                view.lastUsedAt ?? "-", view.note ?? "",
            ]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        return ([header] + rows).map { row in
            row.indices.map { column in
                column == row.count - 1
                    ? row[column] : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }.joined()
    }
}

/// `replayd token revoke ID`.
struct TokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token by id; it stops working on the next request.",
        discussion: """
            Takes the id from `replayd token list` (tok_…), never the token. Revoking a revoked token changes \
            nothing. Example: replayd token revoke --config /etc/replayd/replayd.toml tok_0123456789abcdef
            """
    )

    @OptionGroup var options: TokenStateOptions

    @Argument(help: ArgumentHelp("The token id (tok_…).", valueName: "id"))
    var id: String

    @Option(name: [.customShort("o"), .long], help: "Output format: text or json.")
    var output: TokenOutput = .text

    func run() async throws {
        let id = id
        let record = try await options.withAdmin("revoke") { admin in
            do {
                return try await admin.revoke(id: id, by: TokenStateOptions.actor)
            } catch let error as TeamTokenAdminError {
                throw TokenCommand.failure("revoke", error)
            }
        }
        let view = TeamTokenView(record, now: SystemReplayClock().wallNowMilliseconds())
        switch output {
        case .json: print(try TokenListCommand.json(view))
        case .text: print("revoked \(view.id) (principal \(view.principal)) at \(view.revokedAt ?? "-")")
        }
    }
}
