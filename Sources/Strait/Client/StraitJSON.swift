import Foundation

/// The JSON coders used for Strait bodies.
public enum StraitJSON {
    /// A decoder; models decode tolerantly themselves, so no strategies are needed.
    public static var decoder: JSONDecoder { JSONDecoder() }

    /// An encoder with sorted keys, so output is stable for tests and hashes.
    public static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
