/// How long a caller of the replay route asks replayd to wait for the outcome, from its `Prefer` header
/// (RFC 7240): `respond-async` (or `wait=0`) asks for an answer as soon as the replay is durably accepted, a `202`
/// the caller follows itself; `wait=N` asks for at most N seconds. replayd never waits longer than `[replays]
/// wait`, whatever is asked. Unknown preferences are ignored, as RFC 7240 says.
public struct ReplayWaitPreference: Sendable, Hashable {
    /// The longest wait the caller asked for.
    public var wait: Duration
    /// The preference honoured, for the `Preference-Applied` response header (`respond-async` or `wait=N`).
    public var applied: String

    /// Reads every `Prefer` field value; `nil` when none asks for a wait. With both, `respond-async` wins; with
    /// several `wait`, the shortest.
    public init?(preferValues: [String]) {
        var asynchronous = false
        var seconds: Int64?
        for value in preferValues {
            for preference in value.split(separator: ",") {
                let token = preference.split(separator: ";").first.map(Self.trimmed) ?? ""
                let parts = token.split(separator: "=", maxSplits: 1)
                let name = parts.first.map { Self.trimmed($0).lowercased() } ?? ""
                if name == "respond-async", parts.count == 1 {
                    asynchronous = true
                } else if name == "wait", parts.count == 2, let number = Self.seconds(parts[1]) {
                    seconds = min(seconds ?? number, number)
                }
            }
        }
        if asynchronous || seconds == 0 {
            self.wait = .zero
            self.applied = asynchronous ? "respond-async" : "wait=0"
        } else if let seconds {
            self.wait = .seconds(seconds)
            self.applied = "wait=\(seconds)"
        } else {
            return nil
        }
    }

    /// A `delta-seconds` value (digits only, optionally quoted), clamped to a day.
    private static func seconds(_ text: Substring) -> Int64? {
        var digits = trimmed(text)
        if digits.count >= 2, digits.first == "\"", digits.last == "\"" {
            digits = String(digits.dropFirst().dropLast())
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int64(digits)
        else { return nil }
        return min(value, 86_400)
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
