import ArgumentParser
import Foundation
import ReplayctlKit
import Strait

#if canImport(Glibc)
import Glibc
#endif

/// `replayctl pending`: your replays that are not final yet, `indeterminate` ones included.
struct PendingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "List your replays whose outcome is not final (pending, in flight, reconciling, indeterminate).",
        discussion: "Exit 0, even when there are none. JSON: {\"data\":[record, ...]}."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let onTerminal = isatty(STDOUT_FILENO) == 1
        let status = await Session.show(path: ReplayPaths.pending, global: global) { body, _ in
            Self.table(body, onTerminal: onTerminal)
        }
        throw ExitCode(status.rawValue)
    }

    /// The records as a table; for none, `no pending replays` on a terminal and nothing otherwise.
    static func table(_ body: [UInt8], onTerminal: Bool) -> String {
        guard let list = try? JSONDecoder().decode(RecordList.self, from: Data(body)) else {
            return String(decoding: body, as: UTF8.self)
        }
        if list.data.isEmpty { return onTerminal ? "no pending replays" : "" }
        return RecordTable.list(list.data)
    }
}
