import Logging
import ReplayCore

/// What the webhook listener's head check learnt about an admitted request.
struct WebhookAdmission: Sendable {
    /// The configured source named by the path.
    var source: String
    /// The client address, through `TrustedProxies`.
    var client: String
    /// When the head arrived, on the listener's clock.
    var receivedAt: Duration
    /// The request's logger, with `source` and `client`.
    var logger: Logger
    /// The source's pre-auth bucket after this request took its token, for the response fields.
    var rateLimit: RateLimitStatus?
}
