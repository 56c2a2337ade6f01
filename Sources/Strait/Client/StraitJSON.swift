import Foundation

/// The JSON coders used for Strait bodies, built once and shared: Foundation's coders are thread-safe, and
/// building one allocates its options storage every time. Never change a shared coder's options; build a coder
/// of your own for other options.
public enum StraitJSON {
    /// A decoder; models decode tolerantly themselves, so no strategies are needed.
    public static let decoder = JSONDecoder()

    /// An encoder with sorted keys, so output is stable for tests and hashes.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
