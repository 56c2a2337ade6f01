import Curl
import Foundation

/// Opens a daemon client for one command, runs it, maps failures to exit statuses, and shuts the client down.
enum Session {
    static func run(
        global: GlobalOptions,
        reporter: Reporter,
        _ body: (DaemonClient) async throws(DaemonError) -> ExitStatus
    ) async -> ExitStatus {
        do {
            try CurlRuntime.initialize()
        } catch {
            return reporter.failure("cannot initialise libcurl: \(error.message)", status: .general)
        }
        let socketPath = global.socketPath(environment: ProcessInfo.processInfo.environment)
        let client: DaemonClient
        do {
            client = try DaemonClient(socketPath: socketPath, timeout: .seconds(global.timeout))
        } catch {
            return reporter.failure("cannot start the HTTP client: \(error.message)", status: .general)
        }
        let status: ExitStatus
        do {
            status = try await body(client)
        } catch {
            status = reporter.failure(error.message, status: error.exitStatus)
        }
        await client.shutdown()
        return status
    }

    /// `GET path` on replayd, then prints the JSON body, or `table(body)` in table format. Shared by the read-only
    /// commands.
    static func show(
        path: String,
        global: GlobalOptions,
        table: @escaping (_ body: [UInt8], _ socketPath: String) -> String
    ) async -> ExitStatus {
        let format = OutputFormat.resolve(global.output)
        let reporter = Reporter(format: format)
        return await run(global: global, reporter: reporter) { client async throws(DaemonError) in
            let response = try await client.send(method: "GET", path: path)
            guard response.status == 200 else {
                return reporter.failure(
                    response: response.body,
                    httpStatus: response.status,
                    requestID: response.headers["X-Request-Id"]
                )
            }
            switch format {
            case .json: reporter.printRawJSON(response.body)
            case .table: print(table(response.body, client.socketPath))
            }
            return .ok
        }
    }
}
