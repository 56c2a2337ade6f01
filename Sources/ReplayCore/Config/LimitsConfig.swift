/// `[limits]`: GCRA rate limits and the per-principal concurrency cap, for every door.
///
/// Each rate limit is written `"<count> per <period>, burst <n>"` (for example `"30 per 1m, burst 5"`), or
/// `"off"`. Defaults follow the reference bars: replays 30 per minute with a burst of 5 per principal; reads 20
/// per second with a burst of 40 per principal; 100 replays per second in all.
public struct LimitsConfig: Sendable, Hashable {
    /// `enabled`: `false` turns every rate limit off (the in-flight cap stays). Default `true`.
    public var enabled: Bool
    /// `per_principal`: replays by one principal, over every door. Default `"30 per 1m, burst 5"`.
    public var perPrincipal: RateLimit?
    /// `per_source`: replays through one door from one source (a webhook source, or one uid on the socket).
    /// Default `"120 per 1m, burst 30"`.
    public var perSource: RateLimit?
    /// `per_run`: replays of one run by one principal. Default `"6 per 1m, burst 3"`.
    public var perRun: RateLimit?
    /// `global`: replays by everyone together. Default `"100 per 1s, burst 100"`.
    public var global: RateLimit?
    /// `reads_per_principal`: requests other than replays by one principal (status, records, runs, JSON-RPC).
    /// Default `"20 per 1s, burst 40"`.
    public var readsPerPrincipal: RateLimit?
    /// `max_in_flight_per_principal`: replays one principal may have waiting for their answer at once; one more
    /// gets 429 `rate_limited`. Default 16; 1 to 65536.
    public var maxInFlightPerPrincipal: Int
    /// `max_keys`: the most keys each limit remembers (least recently used forgotten first). Default 10000;
    /// 100 to 10000000.
    public var maxKeys: Int
    /// Per-principal replay limits that replace `per_principal` for the principals named (not read from the file
    /// yet: set by the policy).
    public var principalOverrides: [String: RateLimit]

    /// Creates the section with the defaults above.
    public init(
        enabled: Bool = true,
        perPrincipal: RateLimit? = RateLimit(count: 30, per: .seconds(60), burst: 5),
        perSource: RateLimit? = RateLimit(count: 120, per: .seconds(60), burst: 30),
        perRun: RateLimit? = RateLimit(count: 6, per: .seconds(60), burst: 3),
        global: RateLimit? = RateLimit(count: 100, per: .seconds(1), burst: 100),
        readsPerPrincipal: RateLimit? = RateLimit(count: 20, per: .seconds(1), burst: 40),
        maxInFlightPerPrincipal: Int = 16,
        maxKeys: Int = 10_000,
        principalOverrides: [String: RateLimit] = [:]
    ) {
        self.enabled = enabled
        self.perPrincipal = perPrincipal
        self.perSource = perSource
        self.perRun = perRun
        self.global = global
        self.readsPerPrincipal = readsPerPrincipal
        self.maxInFlightPerPrincipal = maxInFlightPerPrincipal
        self.maxKeys = maxKeys
        self.principalOverrides = principalOverrides
    }

    /// Every rate limit off, and no practical in-flight cap.
    public static let unlimited = LimitsConfig(
        enabled: false,
        perPrincipal: nil,
        perSource: nil,
        perRun: nil,
        global: nil,
        readsPerPrincipal: nil,
        maxInFlightPerPrincipal: 65_536
    )
}
