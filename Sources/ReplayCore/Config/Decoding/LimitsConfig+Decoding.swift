extension LimitsConfig {
    /// Reads `[limits]`.
    init(reading reader: ConfigTableReader) {
        self.init()
        enabled = reader.bool("enabled") ?? enabled
        perPrincipal = Self.limit(reader, "per_principal", default: perPrincipal)
        perSource = Self.limit(reader, "per_source", default: perSource)
        perRun = Self.limit(reader, "per_run", default: perRun)
        global = Self.limit(reader, "global", default: global)
        readsPerPrincipal = Self.limit(reader, "reads_per_principal", default: readsPerPrincipal)
        maxInFlightPerPrincipal =
            reader.integer("max_in_flight_per_principal", in: 1...65_536) ?? maxInFlightPerPrincipal
        maxKeys = reader.integer("max_keys", in: 100...10_000_000) ?? maxKeys
        reader.finish()
    }

    /// `"30 per 1m, burst 5"` or `"off"`.
    private static func limit(_ reader: ConfigTableReader, _ key: String, default value: RateLimit?) -> RateLimit? {
        var parsed: RateLimit??
        let text = reader.string(key) { text in
            if text == "off" {
                parsed = .some(nil)
                return nil
            }
            switch RateLimit.parse(text) {
            case .success(let limit):
                parsed = .some(limit)
                return nil
            case .failure(let problem):
                return "\(problem.message) (or \"off\"), got \(TOMLKey.quote(text))"
            }
        }
        guard text != nil, let parsed else { return value }
        return parsed
    }
}
