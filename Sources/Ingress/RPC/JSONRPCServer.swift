import Foundation
import Logging
import Strait

/// A JSON-RPC 2.0 server over any transport that carries one body per exchange (the socket door serves it at
/// `POST /v1/rpc`). It implements the specification exactly:
///
/// - A body that is not JSON gets −32700 with id null. A value that is not a request object, a `jsonrpc` other
///   than `"2.0"`, a `method` that is not a string, an `id` that is not a string, number or null, or `params`
///   that are not an array or an object get −32600 (id null, or the request's id when that was readable).
/// - A request without an `id` member is a notification: it runs, and nothing is sent back, not even an error.
/// - A batch (an array) is answered with an array holding only the non-notification responses, in request order;
///   when there are none, nothing is sent. An empty batch gets one −32600 object, not an array, as does a batch
///   of more than `maxBatchSize` elements (whose elements are not run). Up to `maxConcurrentCalls` calls of a
///   batch run at once. Each call of a batch gets its own request id, `<gateway id>.<position>` (from 1), so that
///   every replay in a batch is a request of its own upstream and in the store.
/// - Unknown methods get −32601. Handler errors are answered as thrown (see ``JSONRPCError``); any other failure
///   is logged with the gateway request id and answered with a bare −32603.
///
/// Responses are compact JSON with sorted keys, followed by a newline, like every JSON body replayd sends.
public struct JSONRPCServer: Sendable {
    /// The deepest nesting of arrays and objects accepted in a body; deeper is −32700.
    public static let maxNestingDepth = 128

    /// The most elements a batch may have.
    public let maxBatchSize: Int
    /// The most calls of one batch that run at the same time.
    public let maxConcurrentCalls: Int
    private let methods: JSONRPCMethodTable
    /// Decodes every body, with the batch limit in its `userInfo`.
    private let decoder: JSONDecoder
    private let logger: Logger

    /// Creates a server for `methods`. Both limits must be at least 1.
    public init(
        methods: JSONRPCMethodTable,
        maxBatchSize: Int = 1000,
        maxConcurrentCalls: Int = 16,
        logger: Logger
    ) {
        precondition(maxBatchSize >= 1, "maxBatchSize must be at least 1")
        precondition(maxConcurrentCalls >= 1, "maxConcurrentCalls must be at least 1")
        self.methods = methods
        self.maxBatchSize = maxBatchSize
        self.maxConcurrentCalls = maxConcurrentCalls
        decoder = JSONRPCIncoming.decoder(maxBatchSize: maxBatchSize)
        self.logger = logger
    }

    /// Answers one request body: the response body, or nil when nothing must be sent (a notification, or a batch
    /// of notifications only); an HTTP door then answers `204 No Content`.
    public func handle(_ body: [UInt8], context: JSONRPCContext) async -> [UInt8]? {
        var logger = self.logger
        logger[metadataKey: "request_id"] = "\(context.requestID)"
        let incoming: JSONRPCIncoming
        do {
            incoming = try JSONRPCIncoming.parse(body, decoder: decoder, maxDepth: Self.maxNestingDepth)
        } catch {
            logger.notice("JSON-RPC body refused", metadata: ["reason": "\(error.message)"])
            return render(JSONRPCResponse(id: .null, outcome: .failure(error)), context: context, logger: logger)
        }
        switch incoming {
        case .single(let item):
            guard let response = await answer(item, context: context, logger: logger) else { return nil }
            return render(response, context: context, logger: logger)
        case .batch(let items) where items.isEmpty:
            logger.notice("JSON-RPC batch refused", metadata: ["reason": "empty"])
            let error = JSONRPCError.invalidRequest("a batch must hold at least one request")
            return render(JSONRPCResponse(id: .null, outcome: .failure(error)), context: context, logger: logger)
        case .batch(let items):
            let responses = await answerAll(items, context: context, logger: logger).compactMap { $0 }
            guard !responses.isEmpty else { return nil }
            return renderBatch(responses, context: context, logger: logger)
        case .oversizedBatch(let count):
            logger.notice("JSON-RPC batch refused", metadata: ["reason": "too large", "count": "\(count)"])
            let error = JSONRPCError.invalidRequest(
                "a batch may hold at most \(maxBatchSize) requests, this one holds \(count)"
            )
            return render(JSONRPCResponse(id: .null, outcome: .failure(error)), context: context, logger: logger)
        }
    }

    /// Runs the items of a batch, at most `maxConcurrentCalls` at once, each with its own request id; responses
    /// come back in request order.
    private func answerAll(
        _ items: [JSONRPCRequestItem],
        context: JSONRPCContext,
        logger: Logger
    ) async -> [JSONRPCResponse?] {
        await withTaskGroup(of: (Int, JSONRPCResponse?).self) { group in
            var responses = [JSONRPCResponse?](repeating: nil, count: items.count)
            var next = 0
            func startNext() {
                let index = next
                next += 1
                let call = context.batchCall(index)
                group.addTask { (index, await answer(items[index], context: call, logger: logger)) }
            }
            while next < min(maxConcurrentCalls, items.count) { startNext() }
            while let (index, response) = await group.next() {
                responses[index] = response
                if next < items.count { startNext() }
            }
            return responses
        }
    }

    /// Runs one item; nil for a notification.
    private func answer(_ item: JSONRPCRequestItem, context: JSONRPCContext, logger: Logger) async -> JSONRPCResponse? {
        let method: String
        let params: Result<JSONValue?, JSONRPCError>
        switch item.kind {
        case .invalid(let error):
            logger.debug("JSON-RPC request refused", metadata: ["reason": "\(error.message)"])
            return JSONRPCResponse(id: item.id ?? .null, outcome: .failure(error))
        case .call(let name, let value):
            method = name
            params = value
        }
        var logger = logger
        logger[metadataKey: "request_id"] = "\(context.requestID)"
        logger[metadataKey: "rpc_method"] = "\(method)"
        logger[metadataKey: "rpc_id"] = "\(item.id?.description ?? "none")"
        let outcome = await call(method, params: params, context: context, logger: logger)
        if case .failure(let error) = outcome {
            logger.debug("JSON-RPC call failed", metadata: ["rpc_code": "\(error.code)"])
        } else {
            logger.debug("JSON-RPC call succeeded")
        }
        guard let id = item.id else { return nil }
        return JSONRPCResponse(id: id, outcome: outcome)
    }

    private func call(
        _ method: String,
        params: Result<JSONValue?, JSONRPCError>,
        context: JSONRPCContext,
        logger: Logger
    ) async -> Result<JSONValue, JSONRPCError> {
        guard let handler = methods.handler(for: method) else { return .failure(.methodNotFound(method)) }
        let value: JSONValue?
        switch params {
        case .success(let read): value = read
        case .failure(let error): return .failure(error)
        }
        do {
            return .success(try await handler(value, context))
        } catch let error as JSONRPCError {
            return .failure(error)
        } catch {
            logger.error("JSON-RPC handler failed", metadata: ["error": "\(String(reflecting: error))"])
            return .failure(.internalError(requestID: context.requestID))
        }
    }

    /// Encodes one response, followed by a newline.
    private func render(_ response: JSONRPCResponse, context: JSONRPCContext, logger: Logger) -> [UInt8] {
        encode(response, context: context, logger: logger) + [0x0A]
    }

    /// Encodes a batch's responses as an array, followed by a newline.
    private func renderBatch(_ responses: [JSONRPCResponse], context: JSONRPCContext, logger: Logger) -> [UInt8] {
        var body: [UInt8] = [UInt8(ascii: "[")]
        for (index, response) in responses.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += encode(response, context: context, logger: logger)
        }
        body += [UInt8(ascii: "]"), 0x0A]
        return body
    }

    /// One response's bytes. A result or error data JSON cannot hold (a NaN, an infinity) is logged and replaced
    /// by −32603 for that id alone.
    private func encode(_ response: JSONRPCResponse, context: JSONRPCContext, logger: Logger) -> [UInt8] {
        do {
            return try response.encoded()
        } catch {
            logger.error(
                "JSON-RPC response not encodable",
                metadata: ["rpc_id": "\(response.id)", "error": "\(String(reflecting: error))"]
            )
            let fallback = JSONRPCResponse(
                id: response.id,
                outcome: .failure(.internalError(requestID: context.requestID))
            )
            return (try? fallback.encoded())
                ?? Array(#"{"error":{"code":-32603,"message":"internal error"},"id":null,"jsonrpc":"2.0"}"#.utf8)
        }
    }
}
