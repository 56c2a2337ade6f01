import Logging
import ReplayCore

/// What every connection of one listener shares: settings, the routing table, the limiters and the handler.
struct WebhookServerDependencies: Sendable {
    var configuration: WebhookServerConfiguration
    var sources: Set<String>
    var handler: any WebhookRequestHandler
    var trustedProxies: TrustedProxies
    var limiter: PreAuthLimiter
    var throttle: VerificationFailureThrottle
    var registry: ConnectionRegistry
    var clock: any ReplayClock
    var requestIDs: RequestIDGenerator
    var logger: Logger
}
