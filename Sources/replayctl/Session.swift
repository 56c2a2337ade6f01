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
}
