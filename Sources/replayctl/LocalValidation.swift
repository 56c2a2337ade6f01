import ArgumentParser
import Strait

/// The daemon's own input rules (from `Strait`), checked before anything is sent, so a typo exits 3 naming the
/// argument even when replayd is down.
enum LocalValidation {
    /// `RUN_ID` follows `RunID`'s rules.
    static func runID(_ value: String, argument: String = "RUN_ID") throws(ValidationError) {
        do {
            _ = try RunID(value)
        } catch {
            throw ValidationError("\(argument): \(error.message)")
        }
    }

    /// `--from-checkpoint` is a positive integer.
    static func checkpoint(_ value: String) throws(ValidationError) {
        do {
            _ = try CheckpointSequence(parsing: value)
        } catch {
            throw ValidationError("--from-checkpoint must be a positive integer, got \"\(value)\"")
        }
    }

    /// An idempotency key (`--idempotency-key`, or the `KEY` of show and resolve) is 1-255 printable ASCII.
    static func idempotencyKey(_ value: String, argument: String = "--idempotency-key") throws(ValidationError) {
        do {
            try IdempotencyKeyRule.validate(value)
        } catch {
            throw ValidationError("\(argument): \(error.message)")
        }
    }
}
