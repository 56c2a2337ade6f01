/// A parsed `Retry-After` header (RFC 9110 §10.2.3): `delay-seconds`, or an HTTP-date.
public struct RetryAfter: Sendable, Hashable, CustomStringConvertible {
    /// The delay the server asked for, relative to when the response was received. Never negative.
    public let delay: Duration

    /// Creates a delay.
    public init(delay: Duration) {
        self.delay = max(.zero, delay)
    }

    /// Parses a header value. `now` is the current Unix time in seconds, used for the HTTP-date form.
    /// Returns `nil` when the value is neither form.
    public init?(headerValue: String, nowUnixSeconds: Int64) {
        let trimmed = headerValue.trimmingASCIIWhitespace()
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard let seconds = Int64(trimmed) else {
                self.init(delay: .seconds(Int64.max / 1_000_000_000))
                return
            }
            self.init(delay: .seconds(seconds))
            return
        }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        self.init(delay: .seconds(max(0, date - nowUnixSeconds)))
    }

    /// The delay clamped to `range` (for example `[1 s, 10 min]`).
    public func clamped(to range: ClosedRange<Duration>) -> Duration {
        min(max(delay, range.lowerBound), range.upperBound)
    }

    public var description: String { "\(delay)" }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the only HTTP-date form senders must use; the obsolete
/// RFC 850 and asctime forms are also accepted as RFC 9110 requires of recipients.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Unix seconds, or `nil`.
    static func parse(_ text: String) -> Int64? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        for part in parts {
            let lower = part.lowercased()
            if let index = months.firstIndex(of: lower) {
                month = index + 1
            } else if part.contains(":") {
                let pieces = part.split(separator: ":").compactMap { Int($0) }
                guard pieces.count == 3 else { return nil }
                time = (pieces[0], pieces[1], pieces[2])
            } else if part.contains("-") {
                let pieces = part.split(separator: "-")
                guard pieces.count == 3, let d = Int(pieces[0]), let m = months.firstIndex(of: pieces[1].lowercased()),
                    let y = Int(pieces[2])
                else { return nil }
                day = d
                month = m + 1
                year = y < 100 ? (y < 70 ? 2000 + y : 1900 + y) : y
            } else if let number = Int(part) {
                if number > 31 { year = number } else { day = number }
            }
        }
        guard let day, let month, let year, let (hour, minute, second) = time,
            let timestamp = StraitTimestamp(
                "\(pad4(year))-\(pad2(month))-\(pad2(day))T\(pad2(hour)):\(pad2(minute)):\(pad2(second))Z"
            )
        else { return nil }
        return timestamp.secondsSinceEpoch
    }

    private static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func pad4(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
