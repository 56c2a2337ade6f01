import Curl
import Foundation
import Logging

/// A client for the Strait endpoints replayd uses. It validates input before any network call, percent-encodes
/// path segments, never retries (retry policy belongs to the caller, because replay is not idempotent), and
/// never puts the API key in an error or a log line.
public struct StraitClient: Sendable {
    /// The base URL without a trailing slash, e.g. `https://api.strait.dev`.
    public let baseURL: String
    private let apiKey: @Sendable () -> StraitAPIKey
    private let http: any HTTPClient
    private let now: @Sendable () -> Int64
    /// One decoder for every answer (`JSONDecoder` is thread-safe), not one per request.
    private let decoder = StraitJSON.decoder

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - baseURL: Strait's base URL; a trailing `/` is removed.
    ///   - apiKey: the key sent as `Authorization: Bearer …`.
    ///   - http: the transport, normally a `CurlClient`.
    ///   - nowUnixSeconds: the wall clock, used only to interpret an HTTP-date `Retry-After`.
    public init(
        baseURL: String,
        apiKey: StraitAPIKey,
        http: any HTTPClient,
        nowUnixSeconds: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.init(baseURL: baseURL, currentAPIKey: { apiKey }, http: http, nowUnixSeconds: nowUnixSeconds)
    }

    /// Creates a client whose key is asked for at each call, so that a config reload can rotate it without
    /// rebuilding the client (or the engine and the transport behind it).
    ///
    /// - Parameter currentAPIKey: returns the key in force; called once per request, never logged.
    public init(
        baseURL: String,
        currentAPIKey: @escaping @Sendable () -> StraitAPIKey,
        http: any HTTPClient,
        nowUnixSeconds: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        var trimmed = baseURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.baseURL = trimmed
        self.apiKey = currentAPIKey
        self.http = http
        self.now = nowUnixSeconds
    }

    /// `POST /v1/runs/{runID}/replay[?from_checkpoint=N]` with `X-Request-Id: requestID`, and
    /// `Idempotency-Key: idempotencyKey` when given. Not idempotent today: Strait ignores the key on this route,
    /// so every 201 is a new run (spec §4); if Strait mounts its idempotency middleware here, a repeat with the
    /// same key returns the first run.
    ///
    /// - Returns: the new run and the raw response (for verbatim pass-through and transfer facts).
    public func replay(
        runID: RunID,
        fromCheckpoint: CheckpointSequence? = nil,
        requestID: String,
        idempotencyKey: String? = nil,
        timeout: Duration? = nil
    ) async throws(StraitClientError) -> StraitResult<ReplayedRun> {
        try await send(
            replayRequest(
                runID: runID,
                fromCheckpoint: fromCheckpoint,
                requestID: requestID,
                idempotencyKey: idempotencyKey,
                timeout: timeout
            )
        )
    }

    /// The exact request ``replay(runID:fromCheckpoint:requestID:idempotencyKey:timeout:)`` sends, with the API
    /// key shown as `Bearer strait_…(redacted)`: what `replayctl explain` prints. Built by the same code, so the two
    /// cannot drift.
    public func replayPreview(
        runID: RunID,
        fromCheckpoint: CheckpointSequence? = nil,
        requestID: String,
        idempotencyKey: String? = nil,
        timeout: Duration? = nil
    ) -> UpstreamRequestPreview {
        UpstreamRequestPreview(
            replayRequest(
                runID: runID,
                fromCheckpoint: fromCheckpoint,
                requestID: requestID,
                idempotencyKey: idempotencyKey,
                timeout: timeout
            )
        )
    }

    /// `POST /v1/runs/{runID}/replay[?from_checkpoint=N]`, as
    /// ``replay(runID:fromCheckpoint:requestID:idempotencyKey:timeout:)`` sends it.
    func replayRequest(
        runID: RunID,
        fromCheckpoint: CheckpointSequence?,
        requestID: String,
        idempotencyKey: String? = nil,
        timeout: Duration?
    ) -> HTTPRequest {
        var path = "/v1/runs/\(runID.pathSegment)/replay"
        if let fromCheckpoint { path += "?from_checkpoint=\(fromCheckpoint.value)" }
        // A kept connection, never a silent second copy: if it dies after the request went out, the call fails
        // with `.resendRefused`, which the caller treats as ambiguous and reconciles.
        var request = request(
            method: "POST",
            path: path,
            requestID: requestID,
            timeout: timeout,
            connectionReuse: .reuseWithoutResend
        )
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        return request
    }

    /// `GET /v1/runs/{runID}`.
    public func getRun(_ runID: RunID, requestID: String? = nil) async throws(StraitClientError) -> StraitResult<JobRun>
    {
        try await call(method: "GET", path: "/v1/runs/\(runID.pathSegment)", requestID: requestID, expecting: 200)
    }

    /// `GET /v1/runs` filtered by project, status and one metadata key/value pair, newest first.
    public func listRuns(
        _ query: RunListQuery,
        requestID: String? = nil
    ) async throws(StraitClientError)
        -> StraitResult<[JobRun]>
    {
        let result: StraitResult<RunList> = try await call(
            method: "GET",
            path: "/v1/runs" + query.queryString,
            requestID: requestID,
            expecting: 200
        )
        return StraitResult(value: result.value.runs, response: result.response)
    }

    /// `GET /v1/runs/{runID}/checkpoints`.
    public func listCheckpoints(
        _ runID: RunID,
        requestID: String? = nil
    ) async throws(StraitClientError)
        -> StraitResult<[Checkpoint]>
    {
        let result: StraitResult<CheckpointList> = try await call(
            method: "GET",
            path: "/v1/runs/\(runID.pathSegment)/checkpoints",
            requestID: requestID,
            expecting: 200
        )
        return StraitResult(value: result.value.checkpoints, response: result.response)
    }

    private func call<Value: Decodable & Sendable>(
        method: String,
        path: String,
        requestID: String?,
        timeout: Duration? = nil,
        connectionReuse: HTTPRequest.ConnectionReuse = .automatic,
        expecting expectedStatus: Int
    ) async throws(StraitClientError) -> StraitResult<Value> {
        try await send(
            request(
                method: method,
                path: path,
                requestID: requestID,
                timeout: timeout,
                connectionReuse: connectionReuse
            )
        )
    }

    /// Every request the client sends is built here.
    private func request(
        method: String,
        path: String,
        requestID: String?,
        timeout: Duration?,
        connectionReuse: HTTPRequest.ConnectionReuse
    ) -> HTTPRequest {
        var headers: HTTPHeaders = [
            "Accept": "application/json",
            "Authorization": apiKey().authorizationHeaderValue,
        ]
        if let requestID { headers.add(name: "X-Request-Id", value: requestID) }
        return HTTPRequest(
            method: method,
            url: baseURL + path,
            headers: headers,
            body: nil,
            timeout: timeout,
            connectionReuse: connectionReuse
        )
    }

    private func send<Value: Decodable & Sendable>(
        _ request: HTTPRequest
    ) async throws(StraitClientError) -> StraitResult<Value> {
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw .transport(error)
        }
        guard (200..<300).contains(response.status) else {
            throw .api(StraitAPIError(response: response, nowUnixSeconds: now()))
        }
        do {
            let value = try decoder.decode(Value.self, from: Data(response.body))
            return StraitResult(value: value, response: response)
        } catch {
            throw .undecodableResponse(response, reason: String(describing: error).prefix(300).description)
        }
    }
}

/// A decoded value with the response it came from.
public struct StraitResult<Value: Sendable>: Sendable {
    /// The decoded body.
    public var value: Value
    /// The response as received (status, headers, raw body, transfer facts).
    public var response: HTTPResponse

    /// Creates a result.
    public init(value: Value, response: HTTPResponse) {
        self.value = value
        self.response = response
    }
}
