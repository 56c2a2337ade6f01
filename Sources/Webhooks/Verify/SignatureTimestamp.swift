/// The signed-timestamp checks the timestamped schemes share.
enum SignatureTimestamp {
    /// The unix seconds in header `header`'s value `text`: decimal digits only, no sign.
    static func parse(_ text: Substring?, header: String) throws(WebhookVerificationError) -> Int64 {
        guard let text, !text.isEmpty else {
            throw WebhookVerificationError(.missingTimestamp, "The \(header) header is missing.")
        }
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let seconds = Int64(text)
        else {
            throw WebhookVerificationError(
                .malformedTimestamp,
                "The \(header) header is not a whole number of unix seconds."
            )
        }
        return seconds
    }

    /// Throws `stale_timestamp` unless `timestamp` is within `tolerance` of `now`, in either direction.
    static func check(
        _ timestamp: Int64,
        now: Int64,
        tolerance: Duration,
        header: String
    ) throws(WebhookVerificationError) {
        let allowed = UInt64(max(0, tolerance.components.seconds))
        let (difference, overflow) = now.subtractingReportingOverflow(timestamp)
        guard overflow || difference.magnitude > allowed else { return }
        let direction = timestamp > now ? "ahead of" : "behind"
        throw WebhookVerificationError(
            .staleTimestamp,
            "The \(header) header is more than \(allowed) seconds \(direction) the receiver's clock."
        )
    }
}
