import Foundation
import Logging
import Strait
import StraitSimulator

/// The demo keys, by what they are for.
enum DemoKeys {
    static let write = SimulatorFixtures.demoWriteKey
    static let readOnly = "strait_" + String(repeating: "1", count: 64)
    static let revoked = "strait_" + String(repeating: "2", count: 64)
    static let expired = "strait_" + String(repeating: "3", count: 64)
    static let otherProject = "strait_" + String(repeating: "4", count: 64)
    static let rateLimited = "strait_" + String(repeating: "5", count: 64)
    static let fullAccess = "strait_" + String(repeating: "6", count: 64)
    static let wildcard = "strait_" + String(repeating: "7", count: 64)
    static let hashed = "strait_" + String(repeating: "8", count: 64)
}

/// A running simulator on an ephemeral port plus a client for it.
struct SimulatorHarness: Sendable {
    let simulator: StraitSimulator
    let clock: ManualSimulatorClock
    let host: String
    let port: Int

    /// How long an exchange may take before the test gives up: a hang guard, not a timing assertion. (It was
    /// 10 s, and `ReplayCheckOrderTests.contentTypeRules` ran out of it under a full-suite load on two cores.)
    static let hangGuard: Duration = .seconds(300)

    /// The configuration tests use: Strait's defaults with a fixed host name for request ids.
    static let testConfiguration = SimulatorConfiguration(hostname: "test-host")

    /// Starts a simulator on port 0 with a manual clock, runs `body`, then stops the simulator.
    static func with<T: Sendable>(
        configuration: SimulatorConfiguration = testConfiguration,
        fixtures: SimulatorFixtures = .demo,
        faults: SimulatorFaultPlan = .none,
        _ body: @Sendable (SimulatorHarness) async throws -> T
    ) async throws -> T {
        let clock = ManualSimulatorClock()
        var logger = Logger(label: "strait-simulator-tests")
        logger.logLevel = .critical
        let simulator = StraitSimulator(
            configuration: configuration,
            fixtures: fixtures,
            faults: faults,
            clock: clock,
            logger: logger
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await simulator.run()
                return nil
            }
            defer { group.cancelAll() }
            let address = try await simulator.listeningAddress()
            let harness = SimulatorHarness(simulator: simulator, clock: clock, host: address.host, port: address.port)
            let result = try await body(harness)
            group.cancelAll()
            while try await group.next() != nil {}
            return result
        }
    }

    /// Sends one request with `Connection: close` and returns the single response.
    func send(
        _ method: String,
        _ target: String,
        headers: [(String, String)] = [],
        body: String? = nil
    ) async throws -> RawHTTPResponse {
        let outcome = try await exchange(method, target, headers: headers, body: body, timeout: Self.hangGuard)
        guard case .responses(let responses) = outcome, responses.count == 1, let response = responses.first else {
            throw RawHTTPError(description: "expected one response, got \(outcome)")
        }
        return response
    }

    /// Sends one request with `Connection: close` and reports whatever happened.
    func exchange(
        _ method: String,
        _ target: String,
        headers: [(String, String)] = [],
        body: String? = nil,
        timeout: Duration,
        quietUntil: (@Sendable () async -> Bool)? = nil
    ) async throws -> RawHTTPOutcome {
        var text = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let body { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "Connection: close\r\n\r\n"
        if let body { text += body }
        return try await RawHTTPClient.exchange(
            host: host,
            port: port,
            request: Array(text.utf8),
            timeout: timeout,
            quietUntil: quietUntil
        )
    }

    /// `POST /v1/runs/{runID}/replay` the way a careful client sends it: `Accept: application/json`, no body.
    func replay(
        _ runID: String,
        query: String = "",
        key: String? = DemoKeys.write,
        requestID: String? = nil,
        extraHeaders: [(String, String)] = []
    ) async throws -> RawHTTPResponse {
        try await send(
            "POST",
            "/v1/runs/\(runID)/replay\(query)",
            headers: standardHeaders(key: key, requestID: requestID) + extraHeaders
        )
    }

    /// A `GET` with `Accept: application/json` and `key`.
    func get(_ target: String, key: String? = DemoKeys.write) async throws -> RawHTTPResponse {
        try await send("GET", target, headers: standardHeaders(key: key, requestID: nil))
    }

    private func standardHeaders(key: String?, requestID: String?) -> [(String, String)] {
        var headers: [(String, String)] = [("Accept", "application/json")]
        if let key { headers.append(("Authorization", "Bearer \(key)")) }
        if let requestID { headers.append(("X-Request-Id", requestID)) }
        return headers
    }
}

extension RawHTTPResponse {
    /// The body decoded as `T`.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(body))
    }

    /// The body as a JSON object.
    func jsonObject() throws -> [String: JSONValue] {
        try decode([String: JSONValue].self)
    }

    /// The error envelope in the body.
    func envelope() throws -> StraitErrorEnvelope {
        try decode(StraitErrorEnvelope.self)
    }
}
