import Curl
import Foundation
import Logging
import Strait

/// Talks to replayd over its Unix socket with our libcurl client.
struct DaemonClient {
    /// Where replayd listens when nothing else is said.
    static let defaultSocketPath = "/run/replayd/replayd.sock"

    let socketPath: String
    let timeout: Duration
    private let http: CurlClient

    init(socketPath: String, timeout: Duration) throws(CurlError) {
        self.socketPath = socketPath
        self.timeout = timeout
        var configuration = CurlClientConfiguration()
        configuration.totalTimeout = timeout
        configuration.connectTimeout = .seconds(5)
        configuration.userAgent = "replayctl/\(ReplayctlVersion.current)"
        self.http = try CurlClient(configuration: configuration, logger: Logger(label: "replayctl"))
    }

    /// Sends one request to replayd; the host part of the URL is ignored on a Unix socket.
    func send(method: String, path: String, headers: HTTPHeaders = [:]) async throws(DaemonError) -> HTTPResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Accept", value: "application/json")
        let request = HTTPRequest(
            method: method,
            url: "http://localhost" + path,
            headers: headers,
            body: nil,
            unixSocketPath: socketPath,
            timeout: timeout
        )
        do {
            return try await http.send(request)
        } catch {
            throw DaemonError(error: error, socketPath: socketPath)
        }
    }

    func shutdown() async {
        await http.shutdown()
    }
}

/// replayd could not be asked.
struct DaemonError: Error {
    let error: CurlError
    let socketPath: String

    var exitStatus: ExitStatus {
        error.code == .couldNotConnect && !error.facts.requestSent ? .daemonUnreachable : .general
    }

    var message: String {
        if exitStatus == .daemonUnreachable {
            return "replayd is not reachable at \(socketPath) (\(error.message)). Is `replayd serve` running, "
                + "is this the right socket (--socket or REPLAYD_SOCKET), and are you in the socket's group?"
        }
        return "lost the connection to replayd at \(socketPath): \(error.message) (\(error.code))"
    }
}
