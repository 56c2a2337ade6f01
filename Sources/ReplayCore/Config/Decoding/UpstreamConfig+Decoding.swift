extension UpstreamConfig {
    /// Reads `[upstream]`. With an `environment`, also loads the API key; with `nil`, leaves ``apiKey`` unset.
    init(reading reader: ConfigTableReader, environment: [String: String]?) {
        self.init()
        allowInsecureHTTP = reader.bool("allow_insecure_http") ?? allowInsecureHTTP
        readBaseURL(reader)
        readAPIKey(reader, environment: environment)
        readCAFile(reader, checkFile: environment != nil)
        connectTimeout = reader.duration("connect_timeout", in: .milliseconds(1)...(.seconds(300))) ?? connectTimeout
        timeout = reader.duration("timeout", in: .milliseconds(1)...(.seconds(3600))) ?? timeout
        lowSpeedLimit = reader.integer("low_speed_limit", in: 0...(1 << 30)) ?? lowSpeedLimit
        if let time = reader.duration("low_speed_time", in: .seconds(1)...(.seconds(3600))) {
            if time.components.attoseconds == 0 {
                lowSpeedTime = time
            } else {
                reader.reportInvalid("low_speed_time", "must be a whole number of seconds, such as \"15s\"")
            }
        }
        maxResponseSize = reader.size("max_response_size", in: (1 << 10)...(1 << 30)) ?? maxResponseSize
        maxAttempts = reader.integer("max_attempts", in: 1...10) ?? maxAttempts
        let baseDelay = reader.duration("retry_base_delay", in: .milliseconds(1)...(.seconds(60)))
        retryBaseDelay = baseDelay ?? retryBaseDelay
        if let maxDelay = reader.duration("retry_max_delay", in: .milliseconds(1)...(.seconds(600))) {
            if maxDelay >= retryBaseDelay {
                retryMaxDelay = maxDelay
            } else {
                reader.reportInvalid(
                    "retry_max_delay",
                    "must be at least retry_base_delay (\(ConfigDuration.format(retryBaseDelay))), "
                        + "got \(ConfigDuration.format(maxDelay))"
                )
            }
        } else if retryBaseDelay > retryMaxDelay && !reader.contains("retry_max_delay") {
            reader.reportInvalid(
                "retry_base_delay",
                "is larger than the default retry_max_delay (\(ConfigDuration.format(retryMaxDelay))); "
                    + "set retry_max_delay too"
            )
        }
        reader.finish()
    }

    private mutating func readBaseURL(_ reader: ConfigTableReader) {
        guard let text = reader.string("base_url", required: true) else { return }
        switch ConfigValidation.baseURL(text) {
        case .failure(let problem):
            let shown = text.contains("@") ? "" : ", got \(TOMLKey.quote(text))"
            reader.reportInvalid("base_url", problem.message + shown)
        case .success(let url):
            if url.isPlainHTTP && !url.isLoopback && !allowInsecureHTTP {
                reader.reportInvalid(
                    "base_url",
                    "plain http:// to \(url.host), which is not loopback, would send the API key unencrypted; "
                        + "use https:// or set allow_insecure_http = true"
                )
            }
            baseURL = url.normalized
        }
    }

    /// `ca_file`: an absolute path; when the config is loaded for real, the file must also pass the trust model
    /// and hold at least one PEM certificate (libcurl reads it by path for each new TLS connection).
    private mutating func readCAFile(_ reader: ConfigTableReader, checkFile: Bool) {
        guard let path = reader.string("ca_file", validate: ConfigValidation.absolutePath) else { return }
        if checkFile, let problem = Self.caFileProblem(path, trust: .system()) {
            reader.reportInvalid("ca_file", problem)
            return
        }
        caFile = path
    }

    /// Why the CA bundle at `path` cannot be used, or `nil` when it can.
    static func caFileProblem(_ path: String, trust: FileTrust) -> String? {
        let bytes: [UInt8]
        do {
            bytes = try RegularFileReader.contents(atPath: path, maxBytes: 4 << 20) { status in
                guard let problem = trust.problem(withPrivateFile: status, at: path, what: "CA file") else {
                    return nil
                }
                let subject = "CA file \(path) "
                let text = problem.description
                return text.hasPrefix(subject) ? String(text.dropFirst(subject.count)) : text
            }
        } catch {
            return "\(path) \(error.reason)"
        }
        guard String(decoding: bytes, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            return "\(path) holds no PEM certificate (no -----BEGIN CERTIFICATE----- line)"
        }
        return nil
    }

    private mutating func readAPIKey(_ reader: ConfigTableReader, environment: [String: String]?) {
        reader.forbid(
            "api_key",
            "secrets are never written in the config file; use api_key_env = \"STRAIT_API_KEY\" "
                + "(an environment variable) or api_key_file = \"/etc/replayd/strait.key\" (a file only replayd "
                + "can read)"
        )
        let variable = reader.string("api_key_env", validate: ConfigValidation.environmentVariable)
        let path = reader.string("api_key_file", validate: ConfigValidation.secretFilePath)
        let key: String
        switch (reader.contains("api_key_env"), reader.contains("api_key_file")) {
        case (true, true):
            reader.reportInvalid("api_key_file", "set only one of api_key_env and api_key_file")
            return
        case (false, false):
            // An inline `api_key` was already refused with the same advice.
            guard !reader.contains("api_key") else { return }
            reader.report(
                .missingKey(
                    reader.keyPath("api_key_env"),
                    line: reader.line,
                    hint: "set api_key_env (an environment variable) or api_key_file (a file path)"
                )
            )
            return
        case (true, false):
            guard let variable else { return }
            apiKeySource = .environment(variable)
            key = "api_key_env"
        case (false, true):
            guard let path else { return }
            apiKeySource = .file(path)
            key = "api_key_file"
        }
        guard let environment else { return }
        do {
            apiKey = try apiKeySource.resolve(environment: environment)
        } catch {
            var error = error
            error.keyPath = reader.keyPath(key)
            error.line = reader.line(of: key)
            reader.report(error)
        }
    }
}
