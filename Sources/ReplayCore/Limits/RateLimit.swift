/// One GCRA limit: `count` requests per `period` on average, with up to `burst` at once after a quiet spell.
///
/// Written in config as `"30 per 1m, burst 5"`. The emission interval is `period / count`; the tolerance is
/// `interval × burst`, so exactly `burst` requests pass at once and then one per interval.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Requests per `period` in the long run; at least 1.
    public var count: Int
    /// The period `count` is measured over; at least 1 ms.
    public var period: Duration
    /// Requests admitted at once after a quiet spell; at least 1.
    public var burst: Int

    /// Creates a limit.
    public init(count: Int, per period: Duration, burst: Int) {
        self.count = count
        self.period = period
        self.burst = burst
    }

    /// `period / count` in nanoseconds (at least 1): the time one request costs.
    public var intervalNanoseconds: Int64 {
        max(1, Self.nanoseconds(period) / Int64(max(1, count)))
    }

    /// `interval × burst` in nanoseconds: how far ahead of now the theoretical arrival time may run.
    public var toleranceNanoseconds: Int64 {
        intervalNanoseconds.multipliedReportingOverflow(by: Int64(max(1, burst))).partialValue
    }

    /// `period` in whole seconds, rounded up, at least 1 (the `w` parameter of `RateLimit-Policy`).
    public var windowSeconds: Int {
        Int(max(1, (Self.nanoseconds(period) + 999_999_999) / 1_000_000_000))
    }

    /// The config form, `"30 per 1m, burst 5"`.
    public var description: String {
        "\(count) per \(ConfigDuration.format(period)), burst \(burst)"
    }

    /// Parses `"<count> per <duration>, burst <burst>"` (`", burst <n>"` may be left out: the burst is then
    /// `count`). Returns a problem that names the fix when the text is not of that form.
    public static func parse(_ text: String) -> Result<RateLimit, RateLimitParseError> {
        let example = #"write it as "30 per 1m, burst 5""#
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: " ")
        }
        guard (1...2).contains(parts.count) else {
            return .failure(RateLimitParseError("must be \"<count> per <period>, burst <n>\"; \(example)"))
        }
        let rate = parts[0].split(separator: " ", omittingEmptySubsequences: true)
        guard rate.count == 3, rate[1] == "per" else {
            return .failure(RateLimitParseError("must start with \"<count> per <period>\"; \(example)"))
        }
        guard let count = Int(rate[0]), (1...1_000_000_000).contains(count) else {
            return .failure(RateLimitParseError("the count must be an integer from 1 to 1000000000; \(example)"))
        }
        guard let period = ConfigDuration.parse(String(rate[2])), period >= .milliseconds(1),
            period <= .seconds(7 * 86_400)
        else {
            return .failure(
                RateLimitParseError(
                    "the period must be a duration from 1ms to 168h such as \"1s\", \"1m\" or \"1h\"; \(example)"
                )
            )
        }
        var burst = count
        if parts.count == 2 {
            let words = parts[1].split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 2, words[0] == "burst", let value = Int(words[1]), (1...1_000_000_000).contains(value)
            else {
                return .failure(
                    RateLimitParseError("after the comma comes \"burst <n>\" with n from 1 to 1000000000; \(example)")
                )
            }
            burst = value
        }
        let limit = RateLimit(count: count, per: period, burst: burst)
        guard Self.nanoseconds(period) / Int64(count) >= 1 else {
            return .failure(RateLimitParseError("more than one request per nanosecond cannot be limited; \(example)"))
        }
        return .success(limit)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Why a rate limit's text could not be read.
public struct RateLimitParseError: Error, Sendable, Hashable {
    /// What is wrong and how to write it.
    public var message: String

    init(_ message: String) { self.message = message }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var slice = Substring(self)
        while slice.first == character { slice.removeFirst() }
        while slice.last == character { slice.removeLast() }
        return String(slice)
    }
}
