import ArgumentParser
import Foundation
import ReplayctlKit
import Strait

/// `replayctl history`: your replays since a time, finished and pending (everyone's with the `read_all` grant).
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List your replays since a time, finished and pending (everyone's with the read_all grant).",
        discussion: """
            Needs the `read` grant; with `read_all` it lists every principal's replays. Newest first, at most \
            --limit (default 1000). --since takes an RFC 3339 time (2026-11-29T13:00:00Z) or a duration ago \
            (90s, 10m, 2h, 1d, 1w). Exit 0, even when there are none; 4 when no grant allows reading. JSON: \
            {"data":[record, ...]}; jsonl: one record per line; -q: the keys only.

            Examples:
              replayctl history
              replayctl history --since 2h
              replayctl history --since 2026-11-29T00:00:00Z -o jsonl | jq -r .state
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Only replays created at or after this time.", valueName: "time"))
    var since = "1d"

    @Option(name: .long, help: ArgumentHelp("List at most this many replays (1-10000).", valueName: "n"))
    var limit: Int?

    func validate() throws {
        if let limit, !(1...10_000).contains(limit) {
            throw ValidationError("--limit must be between 1 and 10000")
        }
    }

    func run() async throws {
        let status = await Session.show(
            path: ReplayPaths.history(since: since, limit: limit),
            global: global,
            quiet: PendingCommand.keys
        ) { body, _ in
            guard let list = try? JSONDecoder().decode(RecordList.self, from: Data(body)) else {
                return String(decoding: body, as: UTF8.self)
            }
            if list.data.isEmpty { return "no replays since \(since)" }
            return RecordTable.list(list.data)
        }
        throw ExitCode(status.rawValue)
    }
}
