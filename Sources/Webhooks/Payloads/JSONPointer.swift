import Foundation

/// An RFC 6901 JSON pointer such as `/data/run_id` or `/items/0/id`, used to find the run id and checkpoint in a
/// Standard Webhooks body whose shape the sender decides.
///
/// `~1` stands for `/` and `~0` for `~` inside a token. A token addresses an array element only when it is a
/// decimal index without leading zeros; `-` (one past the end) never resolves. The empty pointer is the whole
/// document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    /// The unescaped reference tokens, outermost first.
    public let tokens: [String]

    /// A pointer from unescaped tokens (`["data", "run_id"]` is `/data/run_id`).
    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses pointer text.
    ///
    /// - Throws: `invalid_pointer` when the text is neither empty nor starts with `/`, or when a `~` is not
    ///   followed by `0` or `1`.
    public init(_ text: String) throws(WebhookPayloadError) {
        guard !text.isEmpty else {
            self.tokens = []
            return
        }
        guard text.hasPrefix("/") else {
            throw WebhookPayloadError(
                code: .invalidPointer,
                field: nil,
                message: "JSON pointer \(WebhookPayloadError.quoted(text)) must be empty or start with \"/\""
            )
        }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else {
                    token.append(character)
                    continue
                }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default:
                    throw WebhookPayloadError(
                        code: .invalidPointer,
                        field: nil,
                        message: "JSON pointer \(WebhookPayloadError.quoted(text)): \"~\" must be followed by 0 or 1"
                    )
                }
            }
            tokens.append(token)
        }
        self.tokens = tokens
    }

    /// The value this pointer names in `document`, or `nil` when a member or element is missing.
    public func resolve(in document: WebhookJSONValue) -> WebhookJSONValue? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Self.arrayIndex(token), index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The pointer text, escaped again.
    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined()
    }

    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard token == "0" || !token.hasPrefix("0") else { return nil }
        return Int(token)
    }
}
