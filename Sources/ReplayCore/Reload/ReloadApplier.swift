/// A long-lived part of the daemon that takes reloaded settings in place instead of being rebuilt: the rate
/// limiter, the in-flight cap, the run lookup cache, the team door. ``apply(reloaded:)`` is called once per
/// applied reload, after the new config snapshot is in force, with a config that loaded and validated completely.
public protocol ReloadApplier: Sendable {
    /// Puts the parts of `settings` this part owns in force; settings it cannot change live are left as they are
    /// (the reload reports them as needing a restart).
    func apply(reloaded settings: ReplaydConfig)
}

extension RateLimiter: ReloadApplier {
    /// Puts `[limits]` in force (``apply(_:)``).
    public func apply(reloaded settings: ReplaydConfig) {
        apply(settings.limits)
    }
}

extension InFlightLimiter: ReloadApplier {
    /// Puts `[limits] max_in_flight_per_principal` in force.
    public func apply(reloaded settings: ReplaydConfig) {
        apply(maxPerPrincipal: settings.limits.maxInFlightPerPrincipal)
    }
}

extension CachedRunLookup: ReloadApplier {
    /// Puts `[auth] run_lookup_ttl` and `run_lookup_cache_size` in force.
    public func apply(reloaded settings: ReplaydConfig) {
        apply(ttl: settings.auth.runLookupTTL, capacity: settings.auth.runLookupCacheSize)
    }
}
