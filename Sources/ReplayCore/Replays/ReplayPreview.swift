import Strait

/// What ``ReplayEngine/preview(_:principal:)`` found: the key a replay would use, what the claim would decide,
/// how the call would be answered, and the exact request it would send upstream. Nothing was claimed, audited or
/// sent to find it.
public struct ReplayPreview: Sendable {
    /// The idempotency key the call would use: the caller's, or (when it sent none) a sample of the key replayd
    /// would generate, which is new on every call.
    public var key: String
    /// `true` when `key` is a sample: the real call generates its own random key.
    public var keyIsGenerated: Bool
    /// Where the key comes from (`client`, `derived`, `generated`).
    public var keySource: KeySource
    /// What the claim would decide (new, existing, reused for another request, coalesced).
    public var claim: ClaimPreview
    /// How the call would be answered.
    public var outcome: Outcome
    /// `[replays] coalesce_window` (zero: coalescing is off).
    public var coalesceWindow: Duration
    /// The request would bypass coalescing (`force`).
    public var force: Bool
    /// The first attempt as it would be sent: its `X-Request-Id` is `<request id>-1`, later attempts `-2`, `-3`...
    public var upstream: UpstreamRequestPreview

    /// How the call would be answered.
    public enum Outcome: Sendable {
        /// Without sending anything new: the submission the engine would return from the key's record (a stored
        /// answer, 409, 422, 202) or from a replay it coalesces into that already succeeded.
        case answered(ReplaySubmission)
        /// Refused before the claim, by `stage`: `audit` (the log cannot record the request), `breaker` (open) or
        /// `store` (unavailable).
        case refused(ReplayError, by: String)
        /// A new record would be claimed and ``ReplayPreview/upstream`` sent; Strait's answer is the caller's.
        case sends
        /// A new record would be coalesced into this unfinished replay, and take its outcome; nothing is sent.
        case followsLeader(ReplayRecord)
    }

    /// Creates a preview.
    public init(
        key: String,
        keyIsGenerated: Bool,
        keySource: KeySource,
        claim: ClaimPreview,
        outcome: Outcome,
        coalesceWindow: Duration,
        force: Bool,
        upstream: UpstreamRequestPreview
    ) {
        self.key = key
        self.keyIsGenerated = keyIsGenerated
        self.keySource = keySource
        self.claim = claim
        self.outcome = outcome
        self.coalesceWindow = coalesceWindow
        self.force = force
        self.upstream = upstream
    }
}
