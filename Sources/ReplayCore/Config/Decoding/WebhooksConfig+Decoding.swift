extension WebhooksConfig {
    /// Reads `[webhooks]`.
    init(reading reader: ConfigTableReader) {
        self.init()
        if let text = reader.string("listen") {
            switch ListenAddress.parse(text) {
            case .success(let address): listen = address
            case .failure(let problem): reader.reportInvalid("listen", "\(problem.message), got \(TOMLKey.quote(text))")
            }
        }
        if let proxies = reader.stringArray("trusted_proxies", validate: ConfigValidation.cidr) {
            trustedProxies = proxies.map(\.value)
        }
        maxBodySize = reader.size("max_body_size", in: (1 << 10)...(16 << 20)) ?? maxBodySize
        maxHeaderSize = reader.size("max_header_size", in: (1 << 10)...(1 << 20)) ?? maxHeaderSize
        idleTimeout = reader.duration("idle_timeout", in: .seconds(1)...(.seconds(3600))) ?? idleTimeout
        headerTimeout = reader.duration("header_timeout", in: .milliseconds(1)...(.seconds(3600))) ?? headerTimeout
        readTimeout = reader.duration("read_timeout", in: .milliseconds(1)...(.seconds(3600))) ?? readTimeout
        maxConnections = reader.integer("max_connections", in: 1...65_536) ?? maxConnections
        maxConnectionsPerClient =
            reader.integer("max_connections_per_client", in: 1...65_536) ?? maxConnectionsPerClient
        preAuthRate = reader.integer("preauth_rate", in: 1...100_000) ?? preAuthRate
        preAuthBurst = reader.integer("preauth_burst", in: 1...1_000_000) ?? preAuthBurst
        failureThreshold = reader.integer("failure_threshold", in: 1...10_000) ?? failureThreshold
        failureBlock = reader.duration("failure_block", in: .seconds(1)...(.seconds(86_400))) ?? failureBlock
        if let maximum = reader.duration("failure_block_max", in: .seconds(1)...(.seconds(7 * 86_400))) {
            if maximum >= failureBlock {
                failureBlockMax = maximum
            } else {
                reader.reportInvalid(
                    "failure_block_max",
                    "must be at least failure_block (\(ConfigDuration.format(failureBlock)))"
                )
            }
        }
        timestampTolerance =
            reader.duration("timestamp_tolerance", in: .seconds(1)...(.seconds(3600))) ?? timestampTolerance
        dedupTTL = reader.duration("dedup_ttl", in: .seconds(600)...(.seconds(366 * 86_400))) ?? dedupTTL
        followUpAllowInsecureHTTP = reader.bool("followup_allow_insecure_http") ?? followUpAllowInsecureHTTP
        if let text = reader.string("discord_api_url") {
            switch ConfigValidation.baseURL(text) {
            case .failure(let problem):
                reader.reportInvalid("discord_api_url", problem.message + ", got \(TOMLKey.quote(text))")
            case .success(let url):
                if url.isPlainHTTP && !url.isLoopback && !followUpAllowInsecureHTTP {
                    reader.reportInvalid(
                        "discord_api_url",
                        "plain http:// to \(url.host), which is not loopback, would send interaction tokens "
                            + "unencrypted; use https:// or set followup_allow_insecure_http = true"
                    )
                }
                discordAPIURL = url.normalized
            }
        }
        reader.finish()
    }
}
