import Curl
import Foundation
import Logging
import Synchronization
import Testing

@testable import ReplayCore

/// Helpers for the follow-up tests: a fresh directory per test, sample follow-ups, captured logs.
enum FollowUpTesting {
    /// 2026-05-01T12:00:00Z, the `ManualReplayClock` default.
    static let t0: Int64 = 1_777_636_800_000
    static let minute: Int64 = 60_000

    /// A logger that drops everything.
    static let quiet = Logger(label: "replayd.followups.test") { _ in SwiftLogNoOpLogHandler() }

    /// A fresh directory under the system temporary directory, removed when `body` returns.
    static func withDirectory<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        var template = Array((NSTemporaryDirectory() + "/replayd-followups-test-XXXXXX").utf8CString)
        let path = try template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let created = mkdtemp(base) else {
                throw POSIXError(.init(rawValue: errno) ?? .EIO)
            }
            return String(cString: created)
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    /// An outbox on a fresh file; `body` also gets the file's path.
    static func withOutbox<Result>(_ body: (FollowUpOutbox, String) async throws -> Result) async throws -> Result {
        try await withDirectory { directory in
            let path = directory + "/followups.sqlite"
            let outbox = try FollowUpOutbox(path: path, logger: quiet)
            defer { try? outbox.close() }
            return try await body(outbox, path)
        }
    }

    /// A Slack follow-up to `destination` (a made-up `response_url` by default), pending from `createdAt`.
    static func slack(
        _ id: String,
        destination: String = "https://hooks.slack.com/actions/T0001/1234567890/abcdefghijklmnopqrstuvwx",
        body: String = #"{"text":"done"}"#,
        conversation: String = "slack:conversation-1",
        createdAt: Int64 = t0,
        notAfter: Int64? = nil
    ) -> FollowUp {
        FollowUp(
            id: id,
            kind: .slackResponseURL,
            destination: destination,
            body: Array(body.utf8),
            conversation: conversation,
            createdAt: createdAt,
            notAfter: notAfter ?? createdAt + 30 * minute
        )
    }

    /// The permission bits of `path`, or nil when it does not exist.
    static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }
}

/// A `JitterSource` that always returns `value`.
struct FixedFollowUpJitter: JitterSource {
    var value: Double
    func nextFraction() -> Double { value }
}

/// Log records kept in memory, one `level message key=value…` line each (logger and call metadata merged).
final class FollowUpCapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// Everything logged so far.
    var all: [String] { lines.withLock { $0 } }

    /// A logger at `trace` writing here.
    func logger() -> Logger {
        Logger(label: "followups-test") { _ in FollowUpCapturingLogHandler(log: self) }
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

struct FollowUpCapturingLogHandler: LogHandler {
    let log: FollowUpCapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.keys.sorted().map { "\($0)=\(merged[$0].map { "\($0)" } ?? "")" }
        log.append("\(event.level) \(event.message) \(fields.joined(separator: " "))")
    }
}

/// Keeps every event the worker reports, and lets a test wait for them.
final class RecordingFollowUpObserver: FollowUpObserver {
    private let recorded = Mutex<[FollowUpEvent]>([])
    private let continuation: AsyncStream<FollowUpEvent>.Continuation
    /// Every event, as it arrives.
    let stream: AsyncStream<FollowUpEvent>

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: FollowUpEvent.self)
    }

    /// Every event so far.
    var events: [FollowUpEvent] { recorded.withLock { $0 } }

    func followUpAttempted(_ event: FollowUpEvent) async {
        recorded.withLock { $0.append(event) }
        continuation.yield(event)
    }
}

/// An outbox, a worker on a manual clock and the real `CurlClient`, and a local server standing in for the
/// platform, all in one test's directory.
struct FollowUpHarness {
    let directory: String
    let outbox: FollowUpOutbox
    let server: FollowUpTestServer
    let http: CurlClient
    let clock: ManualReplayClock
    let observer: RecordingFollowUpObserver
    let worker: FollowUpWorker
    let log: FollowUpCapturedLog

    static let configuration = FollowUpWorkerConfiguration(
        pollInterval: .seconds(5),
        requestTimeout: .seconds(300),  // a hang guard only
        backoffBase: .seconds(1),
        backoffCap: .seconds(60),
        retryAfterJitter: 0.1
    )

    /// Runs `body` with a harness whose server answers with `handler`, and tears it down afterwards.
    static func with(
        configuration: FollowUpWorkerConfiguration = configuration,
        jitter: Double = 0,
        handler: @escaping @Sendable (Int, FollowUpRecordedRequest) -> FollowUpTestResponse,
        _ body: (FollowUpHarness) async throws -> Void
    ) async throws {
        try await FollowUpTesting.withDirectory { directory in
            let log = FollowUpCapturedLog()
            let outbox = try FollowUpOutbox(path: directory + "/followups.sqlite", logger: log.logger())
            let server = try await FollowUpTestServer.start(handler: handler)
            // Hang guards only (libcurl's 15 s low-speed window off): a loaded suite can keep the test server's
            // answer waiting for seconds, and these tests check the worker, not the upstream's speed.
            let http = try CurlClient(
                configuration: CurlClientConfiguration(
                    connectTimeout: .seconds(120),
                    totalTimeout: .seconds(300),
                    lowSpeedLimitBytesPerSecond: 0
                ),
                logger: log.logger()
            )
            let clock = ManualReplayClock(wallStartMilliseconds: FollowUpTesting.t0)
            let observer = RecordingFollowUpObserver()
            let worker = FollowUpWorker(
                outbox: outbox,
                http: http,
                clock: clock,
                observer: observer,
                configuration: configuration,
                jitter: FixedFollowUpJitter(value: jitter),
                logger: log.logger()
            )
            let harness = FollowUpHarness(
                directory: directory,
                outbox: outbox,
                server: server,
                http: http,
                clock: clock,
                observer: observer,
                worker: worker,
                log: log
            )
            do {
                try await body(harness)
            } catch {
                await harness.tearDown()
                throw error
            }
            await harness.tearDown()
        }
    }

    /// Runs `body` with a harness whose server answers the requests in order with `responses` (the last one
    /// repeats).
    static func with(
        configuration: FollowUpWorkerConfiguration = configuration,
        jitter: Double = 0,
        answering responses: [FollowUpTestResponse],
        _ body: (FollowUpHarness) async throws -> Void
    ) async throws {
        try await with(
            configuration: configuration,
            jitter: jitter,
            handler: { index, _ in
                responses.isEmpty ? FollowUpTestResponse() : responses[min(index, responses.count - 1)]
            },
            body
        )
    }

    private func tearDown() async {
        await http.shutdown()
        await server.stop()
        try? outbox.close()
    }

    /// A Slack follow-up to this harness's server: `POST /actions/T0001/1234567890/<token>`; its conversation
    /// holds the token too, so a test of logs also proves the conversation is never logged.
    func slack(
        _ id: String,
        token: String = "slackTOKENxoxb0123456789abcdef",
        body: String = #"{"text":"Replay of run_1 created run_2 (queued)"}"#,
        conversation: String? = nil,
        createdAt: Int64 = FollowUpTesting.t0,
        notAfter: Int64? = nil
    ) -> FollowUp {
        FollowUpTesting.slack(
            id,
            destination: server.url("/actions/T0001/1234567890/\(token)"),
            body: body,
            conversation: conversation ?? "slack:" + token,
            createdAt: createdAt,
            notAfter: notAfter
        )
    }

    /// Enqueues and requires a new follow-up.
    @discardableResult
    func enqueue(_ followUp: FollowUp, sourceLocation: SourceLocation = #_sourceLocation) async throws -> FollowUp {
        let result = try await outbox.enqueue(followUp)
        guard case .enqueued(let stored) = result else {
            Issue.record("expected .enqueued, got \(result)", sourceLocation: sourceLocation)
            return result.followUp
        }
        return stored
    }

    /// The stored follow-up, required to exist.
    func stored(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> FollowUp {
        try #require(try await outbox.followUp(id), sourceLocation: sourceLocation)
    }
}
