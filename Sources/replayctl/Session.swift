import Curl
import Foundation
import Logging
import ReplayctlKit

/// Opens a daemon client for one command, runs it, maps failures to exit statuses, and shuts the client down.
enum Session {
    static func run(
        global: GlobalOptions,
        reporter: Reporter,
        server: DaemonClient.Server? = nil,
        _ body: (DaemonClient) async throws(DaemonError) -> ExitStatus
    ) async -> ExitStatus {
        do {
            try CurlRuntime.initialize()
        } catch {
            return reporter.failure("cannot initialise libcurl: \(error.message)", status: .general)
        }
        let socketPath = global.socketPath(environment: ProcessInfo.processInfo.environment)
        let timeout = Duration.seconds(global.timeout)
        let http: CurlClient
        do {
            var configuration = CurlClientConfiguration()
            configuration.totalTimeout = timeout
            configuration.connectTimeout = .seconds(5)
            // replayd holds a replay until its outcome is known (up to `[replays] wait`) and sends nothing
            // meanwhile: a low-speed limit would abort a healthy wait. The total timeout bounds it instead.
            configuration.lowSpeedLimitBytesPerSecond = 0
            configuration.userAgent = "replayctl/\(ReplayctlVersion.current)"
            http = try CurlClient(configuration: configuration, logger: Logger(label: "replayctl"))
        } catch {
            return reporter.failure("cannot start the HTTP client: \(error.message)", status: .general)
        }
        let trace: (@Sendable (String) -> Void)? =
            reporter.options.verbose ? { @Sendable [reporter] line in reporter.trace(line) } : nil
        let client = DaemonClient(
            socketPath: socketPath,
            timeout: timeout,
            http: http,
            trace: trace,
            server: server
        )
        let status: ExitStatus
        do {
            status = try await body(client)
        } catch {
            status = reporter.failure(
                error.message,
                status: error.exitStatus,
                reason: error.reason,
                debugDetail: error.debugDetail
            )
        }
        await http.shutdown()
        return status
    }

    /// Sends one request to replayd (`GET` unless told otherwise), then prints the JSON body, or `table(body)` in
    /// table format. Shared by the commands that print what replayd answers.
    static func show(
        method: String = "GET",
        path: String,
        body: [UInt8]? = nil,
        expecting: Int = 200,
        global: GlobalOptions,
        quiet: ((_ body: [UInt8]) -> String)? = nil,
        table: @escaping (_ body: [UInt8], _ socketPath: String) -> String
    ) async -> ExitStatus {
        let reporter = Reporter(options: global.outputOptions(environment: ProcessInfo.processInfo.environment))
        let format = reporter.format
        return await run(global: global, reporter: reporter) { client async throws(DaemonError) in
            let response = try await client.send(method: method, path: path, body: body)
            guard response.status == expecting else {
                return reporter.failure(
                    ReplayFailure(status: response.status, body: response.body, headers: response.headers)
                )
            }
            if reporter.options.quiet {
                let text = quiet?(response.body) ?? ""
                if !text.isEmpty { print(text) }
                return .ok
            }
            switch format {
            case .json, .jsonl, .compact: reporter.printRawJSON(response.body)
            case .table:
                let text = table(response.body, client.socketPath)
                if !text.isEmpty { print(text) }
            }
            return .ok
        }
    }
}
