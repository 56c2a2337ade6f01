import ArgumentParser
import Curl
import Foundation
import Strait

/// `replayctl replay RUN_ID`: ask replayd to replay a run on Strait.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a Strait run through replayd.",
        discussion: """
            Prints the new run. replayd holds the Strait API key; you never need it.
            Exit codes: 0 ok, 1 error, 3 usage, 4 auth (401/403), 5 not found, 6 conflict, 7 bad request (400/422),
            8 upstream 5xx, 9 replayd not reachable, 10 Strait not reachable (no run created),
            11 outcome unknown (a run may exist; do not retry blindly).
            """
    )

    @Argument(help: "The id of the run to replay (a failed, timed_out, crashed or system_failed run).")
    var runID: String

    @Option(
        name: .long,
        help: ArgumentHelp("Replay from this checkpoint sequence (a positive integer).", valueName: "n")
    )
    var fromCheckpoint: String?

    @Option(
        name: .long,
        help: ArgumentHelp("An idempotency key for this replay (1-255 printable ASCII).", valueName: "key")
    )
    var idempotencyKey: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let format = OutputFormat.resolve(global.output)
        let reporter = Reporter(format: format)
        var path = "/v1/runs/\(Self.encodeSegment(runID))/replay"
        if let fromCheckpoint {
            path += "?from_checkpoint=" + PercentEncoding.queryValue(fromCheckpoint)
        }
        var headers: HTTPHeaders = [:]
        if let idempotencyKey { headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        let status = await Session.run(global: global, reporter: reporter) { client async throws(DaemonError) in
            let response = try await client.send(method: "POST", path: path, headers: headers)
            guard response.status == 201 || response.status == 200 else {
                return reporter.failure(
                    response: response.body,
                    httpStatus: response.status,
                    requestID: response.headers["X-Request-Id"]
                )
            }
            switch format {
            case .json:
                reporter.printRawJSON(response.body)
            case .table:
                guard let run = try? JSONDecoder().decode(JobRun.self, from: Data(response.body)) else {
                    reporter.printRawJSON(response.body)
                    return .ok
                }
                print(Self.summary(originalID: runID, run: run))
            }
            return .ok
        }
        throw ExitCode(status.rawValue)
    }

    /// A human summary of the new run.
    static func summary(originalID: String, run: JobRun) -> String {
        var lines = ["Replayed run \(originalID) as run \(run.id)"]
        lines.append("  status   \(run.status)")
        lines.append("  job      \(run.jobID)")
        lines.append("  project  \(run.projectID)")
        if run.debugMode { lines.append("  debug    true (replayed from a checkpoint)") }
        return lines.joined(separator: "\n")
    }

    /// Percent-encodes a run id as one path segment. Dots are escaped too, so `.` and `..` cannot be collapsed
    /// by URL normalisation on the way: replayd must see them, to refuse them.
    static func encodeSegment(_ value: String) -> String {
        PercentEncoding.pathSegment(value).replacingOccurrences(of: ".", with: "%2E")
    }
}
