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
    /// A team door to send to instead of the socket.
    public let server: Server?

    /// A team door (`[team] listen`, usually behind a TLS proxy) and the bearer token it takes.
    public struct Server: Sendable {
        /// The base URL, such as `https://replayd.example.com`.
        public var url: String
        /// The team token (`rpd_…`); never logged or traced.
        public var token: String?

        /// Creates a server.
        public init(url: String, token: String?) {
            self.url = url
            self.token = token
        }
    }

    /// Creates a client that sends through `http`; `trace`, when given, hears one line per request and answer
    /// (`-v`).
    public init(
        socketPath: String,
        timeout: Duration,
        http: any HTTPClient,
        trace: (@Sendable (String) -> Void)? = nil,
        server: Server? = nil
    ) {
        self.server = server
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
        if let token = server?.token { headers.replaceOrAdd(name: "Authorization", value: "Bearer " + token) }
        let base = server.map { $0.url.hasSuffix("/") ? String($0.url.dropLast()) : $0.url }
        let request = HTTPRequest(
            method: method,
            url: (base ?? "http://localhost") + path,
            headers: headers,
            body: body,
            unixSocketPath: base == nil ? socketPath : nil,
            timeout: timeout
        )
        trace?("\(method) \(path) over \(base ?? socketPath)")
        do {
            let response = try await http.send(request)
            trace?("\(method) \(path): \(response.status) [request \(response.headers["X-Request-Id"] ?? "-")]")
            return response
        } catch {
            trace?("\(method) \(path): \(error.code)")
            let problem =
                error.code == .couldNotConnect && !error.facts.requestSent && base == nil
                ? SocketProbe.diagnose(path: socketPath) : nil
            throw DaemonError(error: error, socketPath: socketPath, problem: problem, timeout: timeout)
        }
    }
}
