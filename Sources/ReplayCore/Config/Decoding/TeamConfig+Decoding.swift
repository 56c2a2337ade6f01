extension TeamConfig {
    /// Reads `[team]`; `taken` are the other listeners' addresses, which the team door must not share.
    init(reading reader: ConfigTableReader, taken: [(name: String, address: ListenAddress)]) {
        self.init()
        if let text = reader.string("listen") {
            switch ListenAddress.parse(text) {
            case .success(let address):
                if address.port != 0, let other = taken.first(where: { $0.address == address }) {
                    reader.reportInvalid("listen", "is the \(other.name) listener's address; pick another port")
                } else {
                    listen = address
                }
            case .failure(let problem): reader.reportInvalid("listen", "\(problem.message), got \(TOMLKey.quote(text))")
            }
        }
        if let proxies = reader.stringArray("trusted_proxies", validate: ConfigValidation.cidr) {
            trustedProxies = proxies.map(\.value)
        }
        tokenKeyFile = reader.string("token_key_file", validate: ConfigValidation.absolutePath) ?? tokenKeyFile
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
        maxConnections = reader.integer("max_connections", in: 1...65_536) ?? maxConnections
        maxConnectionsPerClient =
            reader.integer("max_connections_per_client", in: 1...65_536) ?? maxConnectionsPerClient
        reader.finish()
    }
}
