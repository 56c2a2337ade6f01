import Strait

extension ReplaydConfig {
    /// Every effective setting, defaults filled in, grouped by section: the output of
    /// `replayd config check FILE`.
    ///
    /// Secrets are never shown, only where they came from and their length:
    /// `api_key: <redacted> (from env STRAIT_API_KEY, 71 bytes)`.
    public func summary() -> String {
        var lines: [String] = []
        func section(_ name: String, _ entries: [(String, String)]) {
            if !lines.isEmpty {
                lines.append("")
            }
            lines.append("[\(name)]")
            for (key, value) in entries {
                lines.append("  \(key): \(value)")
            }
        }

        section(
            "upstream",
            [
                ("base_url", upstream.baseURL),
                ("api_key", Self.describeAPIKey(upstream)),
                ("allow_insecure_http", "\(upstream.allowInsecureHTTP)"),
            ] + (upstream.caFile.map { [("ca_file", $0)] } ?? []) + [
                ("connect_timeout", ConfigDuration.format(upstream.connectTimeout)),
                ("timeout", ConfigDuration.format(upstream.timeout) + " (per attempt)"),
                ("low_speed_limit", "\(upstream.lowSpeedLimit) bytes/s"),
                ("low_speed_time", ConfigDuration.format(upstream.lowSpeedTime)),
                ("max_response_size", Self.describeSize(upstream.maxResponseSize)),
                ("max_attempts", "\(upstream.maxAttempts)"),
                ("retry_base_delay", ConfigDuration.format(upstream.retryBaseDelay)),
                ("retry_max_delay", ConfigDuration.format(upstream.retryMaxDelay)),
            ]
        )
        section(
            "socket",
            [
                ("path", socket.path),
                ("group", socket.group.map(\.description) ?? "(none: the daemon's group)"),
                ("max_header_size", Self.describeSize(socket.maxHeaderSize)),
                ("max_body_size", Self.describeSize(socket.maxBodySize)),
                ("read_timeout", ConfigDuration.format(socket.readTimeout)),
                ("header_timeout", ConfigDuration.format(socket.headerTimeout)),
                ("idle_timeout", ConfigDuration.format(socket.idleTimeout)),
                ("max_connections", "\(socket.maxConnections)"),
                ("max_connections_per_uid", "\(socket.maxConnectionsPerUID)"),
            ]
        )
        section("state", state.summaryRows)
        section("log", [("level", log.level.rawValue), ("format", log.format.description)])
        section(
            "replays",
            [
                ("retention", ConfigDuration.format(replays.retention)),
                (
                    "coalesce_window",
                    replays.coalesceWindow == .zero ? "0s (off)" : ConfigDuration.format(replays.coalesceWindow)
                ),
                ("wait", ConfigDuration.format(replays.wait)),
                ("deadline", ConfigDuration.format(replays.deadline)),
                ("reconcile_horizon", ConfigDuration.format(replays.reconcileHorizon)),
                ("reconcile_settle", ConfigDuration.format(replays.reconcileSettle)),
                ("reconcile_max_delay", ConfigDuration.format(replays.reconcileMaxDelay)),
                ("max_retry_after", ConfigDuration.format(replays.maxRetryAfter)),
                ("prune_interval", ConfigDuration.format(replays.pruneInterval)),
                ("max_rpc_batch", "\(replays.maxRPCBatch)"),
                ("breaker_failures", "\(replays.breakerFailures)"),
                ("breaker_open_time", ConfigDuration.format(replays.breakerOpenTime)),
                ("shutdown_grace", ConfigDuration.format(replays.shutdownGrace)),
            ]
        )
        section(
            "audit",
            [
                ("dir", audit.directory(state: state)),
                ("key_file", audit.keyFile(state: state) + (audit.keyFile == nil ? " (created if missing)" : "")),
                (
                    "signing_key_file",
                    audit.signingKeyFile(state: state) + (audit.signingKeyFile == nil ? " (created if missing)" : "")
                ),
                ("origin", audit.origin ?? "(<hostname>/replayd)"),
                ("segment_max_size", Self.describeSize(audit.segmentMaxSize)),
                ("segment_max_age", ConfigDuration.format(audit.segmentMaxAge)),
                ("retention", audit.retention == .zero ? "0s (keep forever)" : ConfigDuration.format(audit.retention)),
                ("min_free_space", Self.describeSize(audit.minFreeSpace)),
                ("group_commit_wait", ConfigDuration.format(audit.groupCommitWait)),
                ("group_commit_max", "\(audit.groupCommitMax)"),
                ("checkpoint_every", "\(audit.checkpointEvery) records"),
                ("checkpoint_interval", ConfigDuration.format(audit.checkpointInterval)),
                ("denial_interval", ConfigDuration.format(audit.denialInterval)),
            ]
        )

        if sources.isEmpty {
            lines.append("")
            lines.append("[webhooks] (off: no [[sources]])")
        } else {
            section(
                "webhooks",
                [
                    ("listen", webhooks.listen.description),
                    ("trusted_proxies", Self.describeList(webhooks.trustedProxies)),
                    ("max_body_size", Self.describeSize(webhooks.maxBodySize)),
                    ("max_header_size", Self.describeSize(webhooks.maxHeaderSize)),
                    ("header_timeout", ConfigDuration.format(webhooks.headerTimeout)),
                    ("read_timeout", ConfigDuration.format(webhooks.readTimeout)),
                    ("idle_timeout", ConfigDuration.format(webhooks.idleTimeout)),
                    ("max_connections", "\(webhooks.maxConnections)"),
                    ("max_connections_per_client", "\(webhooks.maxConnectionsPerClient)"),
                    ("preauth_rate", "\(webhooks.preAuthRate)/s per source, burst \(webhooks.preAuthBurst)"),
                    (
                        "failure_threshold",
                        "\(webhooks.failureThreshold), then blocks from \(ConfigDuration.format(webhooks.failureBlock)) "
                            + "up to \(ConfigDuration.format(webhooks.failureBlockMax))"
                    ),
                    ("timestamp_tolerance", ConfigDuration.format(webhooks.timestampTolerance)),
                    ("dedup_ttl", ConfigDuration.format(webhooks.dedupTTL)),
                    ("discord_api_url", webhooks.discordAPIURL),
                    ("followup_allow_insecure_http", "\(webhooks.followUpAllowInsecureHTTP)"),
                ]
            )
            for source in sources {
                lines.append("[[sources]] \(source.name) (\(source.kind.rawValue), POST /hooks/\(source.name))")
                if let principal = source.principal {
                    lines.append("  principal: \(principal)")
                }
                for key in source.keys {
                    lines.append("  key \(key.id): \(Self.describeKey(key))")
                }
                if source.kind == .standardWebhooks {
                    lines.append("  run_id_pointer: \(source.runIDPointer)")
                    lines.append("  checkpoint_pointer: \(source.checkpointPointer)")
                }
                if source.kind == .strait {
                    let policy = source.autoReplay
                    lines.append("  auto_replay.enabled: \(policy.enabled)")
                    lines.append("  auto_replay.statuses: \(Self.describeList(policy.statuses))")
                    lines.append("  auto_replay.error_patterns: \(Self.describeList(policy.errorPatterns))")
                    lines.append("  auto_replay.max_replays_per_run: \(policy.maxReplaysPerRun)")
                    lines.append("  auto_replay.cooldown: \(ConfigDuration.format(policy.cooldown))")
                }
            }
        }

        if let listen = team.listen {
            section(
                "team",
                [
                    ("listen", listen.description),
                    ("trusted_proxies", Self.describeList(team.trustedProxies)),
                    ("token_key_file", team.tokenKeyPath(state: state)),
                    (
                        "failure_threshold",
                        "\(team.failureThreshold), then blocks from \(ConfigDuration.format(team.failureBlock)) "
                            + "up to \(ConfigDuration.format(team.failureBlockMax))"
                    ),
                    ("max_connections", "\(team.maxConnections)"),
                    ("max_connections_per_client", "\(team.maxConnectionsPerClient)"),
                ]
            )
        }

        lines.append("")
        if principals.isEmpty {
            lines.append("[[principals]] (none: every socket caller will be refused)")
        }
        for principal in principals {
            lines.append("[[principals]] \(principal.name)")
            lines.append("  unix_users: \(Self.describeList(principal.unixUsers))")
            lines.append("  unix_uids: \(Self.describeList(principal.unixUIDs.map(String.init)))")
            lines.append("  unix_groups: \(Self.describeList(principal.unixGroups))")
            lines.append("  slack_users: \(Self.describeList(principal.slackUsers))")
            lines.append("  discord_users: \(Self.describeList(principal.discordUsers))")
            lines.append("  github_logins: \(Self.describeList(principal.githubLogins))")
            if !principal.groups.isEmpty { lines.append("  groups: \(Self.describeList(principal.groups))") }
        }
        for grant in grants {
            lines.append("[[grants]] \(grant.name)")
            lines.append("  to: \(Self.describeList(grant.to))")
            lines.append("  allow: \(Self.describeList(grant.allow.map(\.rawValue)))")
            let scopes: [(String, [String]?)] = [
                ("projects", grant.projects), ("jobs", grant.jobs), ("doors", grant.doors?.map(\.rawValue)),
                ("sources", grant.sources), ("channels", grant.channels),
            ]
            for (key, values) in scopes {
                if let values { lines.append("  \(key): \(Self.describeList(values))") }
            }
            for (key, milliseconds) in [("not_before", grant.notBefore), ("not_after", grant.notAfter)] {
                guard let milliseconds else { continue }
                let instant = StraitTimestamp(secondsSinceEpoch: milliseconds / 1000, nanoseconds: 0)
                lines.append("  \(key): \(instant.rawValue)")
            }
        }
        if !grants.isEmpty || auth != AuthConfig() {
            section(
                "auth",
                [
                    ("run_lookup_ttl", ConfigDuration.format(auth.runLookupTTL)),
                    ("run_lookup_cache_size", "\(auth.runLookupCacheSize)"),
                ]
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func describeAPIKey(_ upstream: UpstreamConfig) -> String {
        guard let key = upstream.apiKey else {
            return "(not loaded; from \(upstream.apiKeySource))"
        }
        let source = key.source ?? upstream.apiKeySource
        return "\(Secret.redacted) (from \(source), \(key.byteCount) bytes)"
    }

    private static func describeKey(_ key: WebhookKeyConfig) -> String {
        var text: String
        switch key.material {
        case .publicKey(let publicKey):
            text = "public key \(publicKey)"
        case .secret(let reference, let secret):
            text =
                secret.map { "\(Secret.redacted) (from \(reference), \($0.byteCount) bytes)" }
                ?? "(not loaded; from \(reference))"
        }
        if let notBefore = key.notBefore {
            text += ", not before \(StraitTimestamp(secondsSinceEpoch: notBefore, nanoseconds: 0))"
        }
        if let notAfter = key.notAfter {
            text += ", not after \(StraitTimestamp(secondsSinceEpoch: notAfter, nanoseconds: 0))"
        }
        return text
    }

    private static func describeSize(_ bytes: Int) -> String {
        let formatted = ConfigByteSize.format(bytes)
        return formatted == "\(bytes)B" ? "\(bytes) bytes" : "\(formatted) (\(bytes) bytes)"
    }

    private static func describeList(_ items: [String]) -> String {
        items.isEmpty ? "(none)" : items.joined(separator: ", ")
    }
}
