import Foundation
import Strait

/// A request body after parsing: one request, a batch, or a batch too large to read.
enum JSONRPCIncoming: Sendable, Decodable {
    /// One request object (or any JSON value that is not an array: that is an invalid request).
    case single(JSONRPCRequestItem)
    /// A batch of at most the limit's elements (possibly empty).
    case batch([JSONRPCRequestItem])
    /// A batch of `count` elements, over the limit; its elements were not read.
    case oversizedBatch(count: Int)

    /// The `userInfo` key carrying the batch limit (an `Int`) into decoding.
    static let maxBatchSizeKey = CodingUserInfoKey(rawValue: "replayd.jsonrpc.maxBatchSize")!

    /// A decoder for bodies with batches of at most `maxBatchSize` elements: made once per server, and shared by
    /// its requests (decoding does not change it).
    static func decoder(maxBatchSize: Int) -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.userInfo[maxBatchSizeKey] = maxBatchSize
        return decoder
    }

    /// Parses a body with `decoder`, one that ``decoder(maxBatchSize:)`` made.
    ///
    /// - Throws: −32700 when the body is not JSON (see ``JSONSyntaxValidator``).
    static func parse(_ body: [UInt8], decoder: JSONDecoder, maxDepth: Int) throws(JSONRPCError) -> JSONRPCIncoming {
        do {
            try JSONSyntaxValidator.validate(body, maxDepth: maxDepth)
        } catch {
            throw .parseError(error.description)
        }
        do {
            return try decoder.decode(JSONRPCIncoming.self, from: Data(body))
        } catch {
            // Unreachable for a body the validator accepted; kept so a decoder difference is still a −32700.
            throw .parseError("invalid JSON")
        }
    }

    init(from decoder: any Decoder) throws {
        guard var elements = try? decoder.unkeyedContainer() else {
            self = .single(JSONRPCRequestItem(from: decoder))
            return
        }
        let limit = decoder.userInfo[Self.maxBatchSizeKey] as? Int ?? Int.max
        if let count = elements.count, count > limit {
            self = .oversizedBatch(count: count)
            return
        }
        var items: [JSONRPCRequestItem] = []
        items.reserveCapacity(elements.count ?? 0)
        while !elements.isAtEnd {
            items.append(try elements.decode(JSONRPCRequestItem.self))
        }
        self = .batch(items)
    }
}
