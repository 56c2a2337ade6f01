import Foundation

/// Reads rendered bytes back with Foundation's `JSONSerialization`, a parser independent of the renderers.
enum RenderedJSON {
    struct NotAnObject: Error {}

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw NotAnObject()
        }
        return object
    }

    static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
