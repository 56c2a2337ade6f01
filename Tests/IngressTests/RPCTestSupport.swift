import Foundation
import Ingress
import Logging
import Strait
import Synchronization
import Testing

/// Log records kept in memory, so a test can check what reached the log and what did not reach the caller.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// Everything logged so far, one `level message metadata` line per record.
    var all: [String] { lines.withLock { $0 } }

    /// A logger writing here.
    func logger() -> Logger {
        Logger(label: "rpc-test") { _ in CapturingLogHandler(log: self) }
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

struct CapturingLogHandler: LogHandler {
    let log: CapturedLog
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

/// Records which notifications and calls ran.
actor CallRecorder {
    private(set) var calls: [String] = []

    func record(_ call: String) { calls.append(call) }
}

/// Counts calls running at the same time.
actor ConcurrencyProbe {
    private(set) var active = 0
    private(set) var peak = 0
    private var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []

    func enter() {
        active += 1
        peak = max(peak, active)
        let ready = waiters.filter { $0.target <= peak }
        waiters.removeAll { $0.target <= peak }
        for waiter in ready { waiter.continuation.resume() }
    }

    func leave() { active -= 1 }

    /// Returns once `target` calls have been seen running together. It has no timeout of its own: a bound that
    /// never lets `target` calls run together hangs here, and the suite's time limit (minutes) fails the test.
    func waitForPeak(_ target: Int) async {
        guard peak < target else { return }
        await withCheckedContinuation { waiters.append((target, $0)) }
    }
}

/// Makes calls finish in a chosen order: the call of rank N returns only after ranks 0 to N-1 have.
actor FinishOrder {
    private(set) var finished: [Int] = []
    private var waiting: [Int: CheckedContinuation<Void, Never>] = [:]

    func waitForTurn(_ rank: Int) async {
        if finished.count != rank { await withCheckedContinuation { waiting[rank] = $0 } }
        finished.append(rank)
        waiting.removeValue(forKey: finished.count)?.resume()
    }
}

/// A server with the test methods the specification's examples use (prefixed `test.`), a `runs.replay` stub that
/// echoes its decoded params, and whatever `extra` adds.
struct RPCFixture {
    let recorder = CallRecorder()
    let log = CapturedLog()
    let server: JSONRPCServer
    let context = JSONRPCContext(requestID: "rq_test", principal: "alice")

    init(
        maxBatchSize: Int = 1000,
        maxConcurrentCalls: Int = 16,
        extra: (inout JSONRPCMethodTable) -> Void = { _ in }
    ) {
        var methods = JSONRPCMethodTable()
        let recorder = self.recorder
        methods.register("test.subtract") { params, _ throws(JSONRPCError) in
            let reader = try JSONRPCParams(params, names: ["minuend", "subtrahend"])
            return .number(try reader.required("minuend", .number) - reader.required("subtrahend", .number))
        }
        methods.register("test.sum") { params, _ throws(JSONRPCError) in
            guard case .array(let values)? = params else { throw .invalidParams("params: expected an array") }
            var total = 0.0
            for value in values {
                guard case .number(let number) = value else { throw .invalidParams("params: expected numbers") }
                total += number
            }
            return .number(total)
        }
        for name in ["test.update", "test.notify_hello", "test.notify_sum"] {
            methods.register(name) { params, _ throws(JSONRPCError) in
                await recorder.record(name)
                return .null
            }
        }
        methods.register("test.echo") { params, _ throws(JSONRPCError) in params ?? .null }
        methods.register("test.get_data") { _, _ throws(JSONRPCError) in
            .array([.string("hello"), .number(5)])
        }
        methods.register(ReplaydRPCMethod.runsReplay.rawValue) { params, context throws(JSONRPCError) in
            let replay = try RunsReplayParams(params)
            var echo: [String: JSONValue] = [
                "run_id": .string(replay.runID.rawValue),
                "force": .bool(replay.force),
                "principal": context.principal.map(JSONValue.string) ?? .null,
            ]
            if let checkpoint = replay.fromCheckpoint { echo["from_checkpoint"] = .number(Double(checkpoint.value)) }
            if let key = replay.idempotencyKey { echo["idempotency_key"] = .string(key) }
            return .object(echo)
        }
        extra(&methods)
        server = JSONRPCServer(
            methods: methods,
            maxBatchSize: maxBatchSize,
            maxConcurrentCalls: maxConcurrentCalls,
            logger: log.logger()
        )
    }

    /// The raw response to `body`, or nil when the server sends nothing.
    func raw(_ body: String) async -> String? {
        await server.handle(Array(body.utf8), context: context).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The response to `body`, decoded, or nil when the server sends nothing.
    func send(_ body: String) async throws -> JSONValue? {
        guard let bytes = await server.handle(Array(body.utf8), context: context) else { return nil }
        #expect(bytes.last == 0x0A, "a response body ends with a newline")
        return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }
}

/// Decodes a JSON literal.
func json(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
}

extension JSONValue {
    /// The member `name` of an object.
    subscript(_ name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[name]
    }

    /// The elements of an array.
    var elements: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }
}

/// Checks that `response` is one error response with `code` and `id`, with `error` and not `result`.
func expectError(
    _ response: JSONValue?,
    code: Int,
    id: JSONValue = .null,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response?["jsonrpc"] == .string("2.0"), sourceLocation: sourceLocation)
    #expect(response?["error"]?["code"] == .number(Double(code)), sourceLocation: sourceLocation)
    #expect(response?["error"]?["message"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(response?["result"] == nil, "never both result and error", sourceLocation: sourceLocation)
    #expect(response?["id"] == id, sourceLocation: sourceLocation)
}

/// Checks that `response` is one result response with `result` and `id`.
func expectResult(
    _ response: JSONValue?,
    _ result: JSONValue,
    id: JSONValue,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response?["jsonrpc"] == .string("2.0"), sourceLocation: sourceLocation)
    #expect(response?["result"] == result, sourceLocation: sourceLocation)
    #expect(response?["error"] == nil, "never both result and error", sourceLocation: sourceLocation)
    #expect(response?["id"] == id, sourceLocation: sourceLocation)
}
