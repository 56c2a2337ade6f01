import Foundation
import Webhooks

/// Verified webhooks per second for one scheme, in-process on the calling thread: a verifier from
/// `WebhookVerifierFactory` checks the same signed ~1 KiB delivery `count` times.
struct WebhookVerifyThroughput: Sendable {
    /// What was measured.
    var scheme: WebhookBenchScheme
    /// The body's size in bytes.
    var bodyBytes: Int
    /// Timed verifications.
    var count: Int
    /// Wall time for them.
    var elapsed: Duration

    /// Verifications per second.
    var perSecond: Double { Double(count) / max(elapsed.seconds, 1e-9) }

    /// Microseconds per verification.
    var microseconds: Double { elapsed.seconds * 1e6 / Double(max(count, 1)) }

    /// Measures `scheme`: builds the verifier, signs one delivery, checks that it verifies, warms up with
    /// `count / 10` unmeasured verifications (at least 100), then times `count`.
    static func measure(
        _ scheme: WebhookBenchScheme,
        count: Int,
        signer: WebhookBenchSigner,
        bodyBytes: Int
    ) throws -> WebhookVerifyThroughput {
        let verifier = try WebhookVerifierFactory.make(kind: scheme.kind, keyring: signer.keyring(for: scheme))
        let now = Int64(Date().timeIntervalSince1970)
        let delivery = try WebhookBenchPayloads.delivery(
            scheme.kind,
            index: 1,
            runID: "run_failed_1",
            signer: signer,
            timestamp: now,
            responseURL: "https://hooks.slack.com/commands/T1/1/abcdefghijklmnop",
            padding: bodyBytes,
            scheme: scheme
        )
        let first = try verifier.verify(delivery, now: now)
        guard first.keyID == "k1" else { throw BenchError("\(scheme.rawValue) verified with key \(first.keyID)") }
        var verified = 0
        for _ in 0..<max(100, count / 10) where (try? verifier.verify(delivery, now: now)) != nil {
            verified += 1
        }
        let clock = ContinuousClock()
        let started = clock.now
        verified = 0
        for _ in 0..<count where (try? verifier.verify(delivery, now: now)) != nil {
            verified += 1
        }
        let elapsed = started.duration(to: clock.now)
        guard verified == count else {
            throw BenchError("\(scheme.rawValue): only \(verified) of \(count) verifications succeeded")
        }
        return WebhookVerifyThroughput(scheme: scheme, bodyBytes: delivery.body.count, count: count, elapsed: elapsed)
    }
}
