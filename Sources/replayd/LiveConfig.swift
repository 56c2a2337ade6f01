import Ingress
import ReplayCore
import Strait

/// Everything a reload swaps, fully built: the principal directory, the policy, the webhook sources with their
/// keyrings, and the upstream API key, with the config they came from and its digest. The daemon holds one in a
/// ``ReloadableState``; each request reads it once at its start, so a request in flight keeps the config it
/// started with.
///
/// To make something else reloadable (grants, limits), add a field here, build it in ``build(settings:digest:accounts:clock:)``
/// and read it through the daemon's `ReloadableState<LiveConfig>` where it is used.
struct LiveConfig: Sendable {
    /// The whole config this snapshot was built from.
    var settings: ReplaydConfig
    /// SHA-256 (hex) of the config file, or `unreadable`.
    var digest: String
    /// `[[principals]]`, with user and group names resolved.
    var directory: PrincipalDirectory
    /// Who may do what (`[[grants]]`), without the run lookup, which outlives reloads (``CurrentPolicy`` adds it).
    var policy: GrantPolicy
    /// The upstream API key (`[upstream] api_key*`).
    var apiKey: StraitAPIKey
    /// `[[sources]]` with their keyrings, and the directory that maps senders.
    var webhooks: WebhookDoorConfig

    /// A failure to build a snapshot from a config that parsed (a source's key material, a missing key).
    struct BuildError: Error {
        var messages: [String]
    }

    /// Builds the snapshot for `settings`: every secret resolved and every keyring loaded, or an error naming each
    /// problem (never a secret's value).
    static func build(
        settings: ReplaydConfig,
        digest: String,
        accounts: any UnixAccounts,
        clock: any ReplayClock
    ) throws(BuildError) -> LiveConfig {
        var messages: [String] = []
        guard let apiKeySecret = settings.upstream.apiKey else {
            throw BuildError(messages: ["no upstream API key was loaded"])
        }
        let apiKey = apiKeySecret.withUnsafeValue { StraitAPIKey($0) }
        var sources: [WebhookSource] = []
        for config in settings.sources {
            do {
                sources.append(try WebhookSource(config: config, tolerance: settings.webhooks.timestampTolerance))
            } catch {
                messages.append(error.description)
            }
        }
        guard messages.isEmpty else { throw BuildError(messages: messages) }
        let directory = PrincipalDirectory(mappings: settings.principals, accounts: accounts)
        return LiveConfig(
            settings: settings,
            digest: digest,
            directory: directory,
            policy: GrantPolicy(grants: settings.grants, principals: settings.principals, runs: nil, clock: clock),
            apiKey: apiKey,
            webhooks: WebhookDoorConfig(sources: sources, directory: directory)
        )
    }

    /// The settings that differ between `self` and `new` but are read only at start, so they take effect at the
    /// next restart: listener addresses (never re-bound live), and the sections the engine, store, audit log and
    /// listeners were built from. Principals, sources and their keyrings, and the API key reload live.
    func restartNeeded(for new: LiveConfig) -> [String] {
        let old = settings
        let next = new.settings
        var needed: [String] = []
        if Self.upstreamSummary(old) != Self.upstreamSummary(next) {
            needed.append("[upstream] (other than the API key)")
        }
        if old.socket.path != next.socket.path { needed.append("[socket] path") }
        var oldSocket = old.socket
        oldSocket.path = next.socket.path
        if oldSocket != next.socket { needed.append("[socket]") }
        if old.state != next.state { needed.append("[state]") }
        if old.log != next.log { needed.append("[log]") }
        if old.replays != next.replays { needed.append("[replays]") }
        if old.audit != next.audit { needed.append("[audit]") }
        if old.admin.listen != next.admin.listen { needed.append("[admin] listen") }
        if old.auth != next.auth { needed.append("[auth]") }
        if old.team != next.team { needed.append("[team]") }
        if old.limits != next.limits { needed.append("[limits]") }
        if old.sources.isEmpty != next.sources.isEmpty {
            // The webhook listener runs only with sources; it is started (or stopped) at a restart.
            needed.append("[[sources]] (the webhook listener starts or stops only at a restart)")
        }
        if old.webhooks.listen != next.webhooks.listen { needed.append("[webhooks] listen") }
        var oldWebhooks = old.webhooks
        oldWebhooks.listen = next.webhooks.listen
        // The tolerance is applied to the sources, which are rebuilt on reload.
        oldWebhooks.timestampTolerance = next.webhooks.timestampTolerance
        if oldWebhooks != next.webhooks { needed.append("[webhooks]") }
        return needed
    }

    /// The `[upstream]` lines of the config summary without the API key line (its source and length only).
    private static func upstreamSummary(_ config: ReplaydConfig) -> [Substring] {
        config.summary().split(separator: "\n", omittingEmptySubsequences: false)
            .drop { $0 != "[upstream]" }.prefix { !$0.isEmpty }
            .filter { !$0.contains("api_key") }
    }
}
