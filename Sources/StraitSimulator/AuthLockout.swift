/// Strait's per-IP lockout after failed authentications (`ratelimit/auth_limiter.go:28-38`): 10, 25 or 50
/// failures within 15 minutes lock the IP for 1, 5 or 15 minutes. While locked, every request from the IP is
/// answered 429 before authentication is attempted, so it cannot fail again.
///
/// The spec gives the tiers but not every detail, so the simulator chooses: failures age out individually
/// after 15 minutes; the lock starts when the count reaches 10 or 25, and on every failure from 50 on; a success
/// does not clear the failures.
struct AuthLockout: Sendable {
    private static let failureWindow: Duration = .seconds(15 * 60)

    private var failures: [String: [Duration]] = [:]
    private var lockedUntil: [String: Duration] = [:]

    /// The time left on `ip`'s lock at `now`, or `nil` when it is not locked.
    mutating func remainingLock(ip: String, now: Duration) -> Duration? {
        guard let until = lockedUntil[ip] else { return nil }
        guard until > now else {
            lockedUntil[ip] = nil
            return nil
        }
        return until - now
    }

    /// Records a failed authentication from `ip` at `now`, locking it when a tier is reached.
    mutating func recordFailure(ip: String, now: Duration) {
        var recent = (failures[ip] ?? []).filter { now - $0 < Self.failureWindow }
        recent.append(now)
        failures[ip] = recent
        switch recent.count {
        case 50...: lockedUntil[ip] = now + .seconds(15 * 60)
        case 25: lockedUntil[ip] = now + .seconds(5 * 60)
        case 10: lockedUntil[ip] = now + .seconds(60)
        default: break
        }
    }
}
