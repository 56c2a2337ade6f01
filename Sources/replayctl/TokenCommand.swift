import ArgumentParser
import Foundation
import ReplayctlKit

/// `replayctl token create|list|revoke`: team tokens through the socket's `/v1/tokens` routes (the caller needs
/// the `token_admin` grant).
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke team tokens (needs the token_admin grant).",
        discussion: """
            The same as `replayd token`, through the daemon's socket: replayd checks that you may administer \
            tokens and records every change in its audit log. A token is shown once, when it is created.
            """,
        subcommands: [TokenCreate.self, TokenList.self, TokenRevoke.self]
    )

    /// One token object as a text block (`key: value` lines).
    static func detail(_ body: [UInt8]) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return String(decoding: body, as: UTF8.self)
        }
        let order = [
            "token", "id", "principal", "state", "created_at", "expires_at", "last_used_at", "note", "created_by",
            "revoked_at", "revoked_by",
        ]
        return order.compactMap { key in object[key].map { "\(key): \($0)" } }.joined(separator: "\n")
    }
}

/// `replayctl token create --principal P [--expires 30d] [--note …]`.
struct TokenCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a token for a principal; it is printed once.",
        discussion: """
            With -q only the token is printed. Examples:
              replayctl token create --principal alice --expires 30d --note "alice's laptop"
              TOKEN=$(replayctl token create --principal ci --expires never -q)
            """
    )

    @Option(name: .long, help: ArgumentHelp("The [[principals]] name the token acts as.", valueName: "name"))
    var principal: String

    @Option(name: .long, help: ArgumentHelp("How long it works: 30d, 12h, 90m, or never.", valueName: "duration"))
    var expires: String = "90d"

    @Option(name: .long, help: ArgumentHelp("Who or what the token is for.", valueName: "text"))
    var note: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var fields: [String: String] = ["principal": principal, "expires": expires]
        if let note { fields["note"] = note }
        let body = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        let status = await Session.show(
            method: "POST",
            path: "/v1/tokens",
            body: Array(body),
            expecting: 201,
            global: global,
            quiet: { body in
                ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any])?["token"] as? String ?? ""
            },
            table: { body, _ in TokenCommand.detail(body) + "\nstore the token now: it is not shown again" }
        )
        throw ExitCode(status.rawValue)
    }
}

/// `replayctl token list`.
struct TokenList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tokens (never the tokens themselves), newest first.",
        discussion: """
            With -q only the ids are printed. Examples:
              replayctl token list
              replayctl token list -o json
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let status = await Session.show(
            path: "/v1/tokens",
            global: global,
            quiet: { body in Self.rows(body).map { $0["id"] as? String ?? "" }.joined(separator: "\n") },
            table: { body, _ in Self.table(Self.rows(body)) }
        )
        throw ExitCode(status.rawValue)
    }

    static func rows(_ body: [UInt8]) -> [[String: Any]] {
        (((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any])?["data"] as? [[String: Any]]) ?? []
    }

    static func table(_ rows: [[String: Any]]) -> String {
        guard !rows.isEmpty else { return "no tokens" }
        let header = ["ID", "PRINCIPAL", "STATE", "CREATED", "EXPIRES", "LAST USED", "NOTE"]
        let keys = ["id", "principal", "state", "created_at", "expires_at", "last_used_at", "note"]
        let cells = rows.map { row in keys.map { key in (row[key] as? String) ?? (key == "expires_at" ? "never" : "-") }
        }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        return ([header] + cells).map { line in
            line.indices.map { column in
                column == line.count - 1
                    ? line[column] : line[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// `replayctl token revoke ID`.
struct TokenRevoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a token by id (tok_…); it stops working on the next request.",
        discussion: """
            Examples:
              replayctl token revoke tok_0123456789abcdef
            """
    )

    @Argument(help: ArgumentHelp("The token id from `replayctl token list`.", valueName: "id"))
    var id: String

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard id.hasPrefix("tok_"), id.count == 20, id.dropFirst(4).allSatisfy(\.isHexDigit) else {
            throw ValidationError("ID must be a token id, tok_ and 16 hex characters (never the token itself)")
        }
    }

    func run() async throws {
        let status = await Session.show(
            method: "DELETE",
            path: "/v1/tokens/\(id)",
            global: global,
            quiet: { _ in id },
            table: { body, _ in TokenCommand.detail(body) }
        )
        throw ExitCode(status.rawValue)
    }
}
