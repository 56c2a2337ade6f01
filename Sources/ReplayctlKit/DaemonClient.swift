import Curl

/// Talks to replayd over its Unix socket, through any `HTTPClient` (libcurl in production, a closure in tests).
public struct DaemonClient: Sendable {
    /// Where replayd listens when nothing else is said.
    public static let defaultSocketPath = "/run/replayd/replayd.sock"

    /// The socket every request goes to.
    public let socketPath: String
    /// The total timeout of one request.
    public let timeout: Duration
    private let http: any HTTPClient
    private let trace: (@Sendable (String) -> Void)?

    /// Creates a client that sends through `http`; `trace`, when given, hears one line per request and answer
    /// (`-v`).
    public init(
        socketPath: String,
        timeout: Duration,
        http: any HTTPClient,
        trace: (@Sendable (String) -> Void)? = nil
    ) {
        self.socketPath = socketPath
        self.timeout = timeout
        self.http = http
        self.trace = trace
    }

    /// Sends one request to replayd; the host part of the URL is ignored on a Unix socket. A `body` is sent as
    /// JSON.
    public func send(
        method: String,
        path: String,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil
    ) async throws(DaemonError) -> HTTPResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Accept", value: "application/json")
        if body != nil { headers.replaceOrAdd(name: "Content-Type", value: "application/json") }
        let request = HTTPRequest(
            method: method,
            url: "http://localhost" + path,
            headers: headers,
            body: body,
            unixSocketPath: socketPath,
            timeout: timeout
        )
        trace?("\(method) \(path) over \(socketPath)")
        do {
            let response = try await http.send(request)
            trace?("\(method) \(path): \(response.status) [request \(response.headers["X-Request-Id"] ?? "-")]")
            return response
        } catch {
            trace?("\(method) \(path): \(error.code)")
            let problem =
                error.code == .couldNotConnect && !error.facts.requestSent
                ? SocketProbe.diagnose(path: socketPath) : nil
            throw DaemonError(error: error, socketPath: socketPath, problem: problem, timeout: timeout)
        }
    }
}
