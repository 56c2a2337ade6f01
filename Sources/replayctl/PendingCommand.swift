import ArgumentParser
import Foundation
import ReplayctlKit
import Strait

/// `replayctl pending`: your replays that are not final yet, `indeterminate` ones included.
struct PendingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "List your replays whose outcome is not final (pending, in flight, reconciling, indeterminate).",
        discussion: """
            Exit 0, even when there are none. JSON: {"data":[record, ...]}; jsonl: one record per line; -q: the \
            keys only.

            Examples:
              replayctl pending
              replayctl pending -o jsonl | jq -r .key
              replayctl pending -q | xargs -n1 replayctl show
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let status = await Session.show(path: ReplayPaths.pending, global: global, quiet: Self.keys) { body, _ in
            Self.table(body)
        }
        throw ExitCode(status.rawValue)
    }

    /// The records as a table, or `no pending replays`.
    static func table(_ body: [UInt8]) -> String {
        guard let list = try? JSONDecoder().decode(RecordList.self, from: Data(body)) else {
            return String(decoding: body, as: UTF8.self)
        }
        if list.data.isEmpty { return "no pending replays" }
        return RecordTable.list(list.data)
    }

    /// The keys, one per line (`-q`).
    static func keys(_ body: [UInt8]) -> String {
        guard let list = try? JSONDecoder().decode(RecordList.self, from: Data(body)) else { return "" }
        return list.data.map(\.key).joined(separator: "\n")
    }
}
