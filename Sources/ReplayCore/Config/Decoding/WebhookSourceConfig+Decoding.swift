import Strait
import Webhooks

extension WebhookSourceConfig {
    /// Reads every `[[sources]]` table, then checks that names are unique and that each source's principal exists.
    static func readAll(
        _ readers: [ConfigTableReader],
        principals: [PrincipalConfig],
        environment: [String: String]?
    ) -> [WebhookSourceConfig] {
        var sources: [WebhookSourceConfig] = []
        var names: [String: Int] = [:]
        let principalNames = Set(principals.map(\.name))
        for reader in readers {
            guard let source = read(reader, environment: environment) else { continue }
            if let firstLine = names[source.name] {
                reader.report(
                    .duplicate(
                        reader.keyPath("name"),
                        line: reader.line(of: "name"),
                        "source \(TOMLKey.quote(source.name)) is already defined on line \(firstLine)"
                    )
                )
                continue
            }
            if let principal = source.principal, !principalNames.contains(principal) {
                reader.reportInvalid(
                    "principal",
                    "no [[principals]] entry is named \(TOMLKey.quote(principal)); add one (it needs no Unix "
                        + "mapping when only sources act as it)"
                )
            }
            names[source.name] = reader.line(of: "name") ?? 0
            sources.append(source)
        }
        return sources
    }

    /// One `[[sources]]` table, or `nil` when its name or kind is missing or invalid.
    private static func read(_ reader: ConfigTableReader, environment: [String: String]?) -> WebhookSourceConfig? {
        let name = reader.string("name", required: true, validate: ConfigValidation.sourceName)
        let kindNames = WebhookSourceKind.allCases.map(\.rawValue)
        let kind = reader.string("kind", required: true) { text in
            kindNames.contains(text)
                ? nil : "must be one of \(kindNames.joined(separator: ", ")), got \(TOMLKey.quote(text))"
        }.flatMap(WebhookSourceKind.init(rawValue:))
        let principal = reader.string("principal", validate: ConfigValidation.principalName)
        let keyReaders = reader.tableArray("keys")
        var keys: [WebhookKeyConfig] = []
        var keyLines: [String: Int] = [:]
        for keyReader in keyReaders {
            guard let key = WebhookKeyConfig(reading: keyReader, kind: kind, environment: environment) else {
                continue
            }
            if let firstLine = keyLines[key.id] {
                keyReader.report(
                    .duplicate(
                        keyReader.keyPath("id"),
                        line: keyReader.line(of: "id"),
                        "key \(TOMLKey.quote(key.id)) is already defined on line \(firstLine)"
                    )
                )
                continue
            }
            keyLines[key.id] = keyReader.line(of: "id") ?? 0
            keys.append(key)
        }
        if keyReaders.isEmpty {
            reader.report(
                .missingKey(
                    reader.keyPath("keys"),
                    line: reader.line,
                    hint: "add at least one [[sources.keys]] table with an id and the sender's secret or public key"
                )
            )
        }
        let runPointer = reader.string("run_id_pointer", validate: ConfigValidation.jsonPointer)
        let checkpointPointer = reader.string("checkpoint_pointer", validate: ConfigValidation.jsonPointer)
        let autoReplayReader = reader.contains("auto_replay") ? reader.table("auto_replay") : nil
        let autoReplay = autoReplayReader.map(AutoReplayConfig.init(reading:))
        reader.finish()

        guard let name, let kind else { return nil }
        var source = WebhookSourceConfig(name: name, kind: kind, keys: keys, principal: principal)
        source.runIDPointer = runPointer ?? source.runIDPointer
        source.checkpointPointer = checkpointPointer ?? source.checkpointPointer
        source.autoReplay = autoReplay ?? source.autoReplay
        if source.actsAsServicePrincipal && !reader.contains("principal") {
            reader.report(
                .missingKey(
                    reader.keyPath("principal"),
                    line: reader.line,
                    hint: "a \(kind.rawValue) source acts as one configured principal; name it here"
                )
            )
        }
        if !source.actsAsServicePrincipal && reader.contains("principal") {
            reader.reportInvalid(
                "principal",
                "a \(kind.rawValue) source maps each user to a principal (slack_users, discord_users, "
                    + "github_logins in [[principals]]); remove principal"
            )
        }
        for key in ["run_id_pointer", "checkpoint_pointer"] where kind != .standardWebhooks && reader.contains(key) {
            reader.reportInvalid(key, "applies only to standard_webhooks sources")
        }
        if kind != .strait && reader.contains("auto_replay") {
            reader.reportInvalid("auto_replay", "applies only to strait sources")
        }
        return source
    }
}

extension WebhookKeyConfig {
    /// Reads one `[[sources.keys]]` table for a source of `kind` (nil when the kind was bad: nothing is checked
    /// against it then).
    fileprivate init?(reading reader: ConfigTableReader, kind: WebhookSourceKind?, environment: [String: String]?) {
        reader.forbid(
            "secret",
            "secrets are never written in the config file; use secret_env = \"SLACK_SIGNING_SECRET\" (an "
                + "environment variable) or secret_file = \"/etc/replayd/slack.secret\" (a file only replayd can read)"
        )
        let id = reader.string("id", required: true, validate: ConfigValidation.keyID)
        let variable = reader.string("secret_env", validate: ConfigValidation.environmentVariable)
        let path = reader.string("secret_file", validate: ConfigValidation.secretFilePath)
        let publicKey = reader.string("public_key", validate: { Self.checkPublicKey($0, kind: kind) })
        let notBefore = Self.instant(reader, "not_before")
        let notAfter = Self.instant(reader, "not_after")
        reader.finish()

        let given = ["secret_env", "secret_file", "public_key"].filter(reader.contains)
        guard given.count == 1 else {
            if given.isEmpty {
                guard !reader.contains("secret") else { return nil }
                reader.report(
                    .missingKey(
                        reader.keyPath("secret_env"),
                        line: reader.line,
                        hint: kind == .discord
                            ? "set public_key (the application's public key from the Discord developer portal)"
                            : "set secret_env or secret_file (or public_key for an Ed25519 key)"
                    )
                )
            } else {
                reader.reportInvalid(given[1], "set only one of \(given.joined(separator: ", "))")
            }
            return nil
        }
        if kind == .discord && given[0] != "public_key" {
            reader.reportInvalid(given[0], "Discord signs with Ed25519: set public_key instead")
            return nil
        }
        if let kind, kind != .discord && kind != .standardWebhooks && given[0] == "public_key" {
            reader.reportInvalid(
                "public_key",
                "\(kind.rawValue) signs with a shared secret: set secret_env or secret_file"
            )
            return nil
        }
        if let notBefore, let notAfter, notAfter.value <= notBefore.value {
            reader.reportInvalid("not_after", "must be later than not_before")
            return nil
        }
        let material: Material
        if let publicKey {
            material = .publicKey(publicKey)
        } else {
            let reference: SecretReference
            let key: String
            if let variable {
                reference = .environment(variable)
                key = "secret_env"
            } else if let path {
                reference = .file(path)
                key = "secret_file"
            } else {
                return nil
            }
            var secret: Secret?
            if let environment {
                do {
                    secret = try reference.resolve(environment: environment)
                } catch {
                    var error = error
                    error.keyPath = reader.keyPath(key)
                    error.line = reader.line(of: key)
                    reader.report(error)
                }
            }
            material = .secret(reference, secret)
        }
        guard let id else { return nil }
        self.init(id: id, material: material, notBefore: notBefore?.value, notAfter: notAfter?.value)
    }

    private static func instant(_ reader: ConfigTableReader, _ key: String) -> ConfigTableReader.Located<Int64>? {
        guard let text = reader.string(key) else { return nil }
        guard let timestamp = StraitTimestamp(text) else {
            reader.reportInvalid(key, "must be an RFC 3339 time such as \"2026-12-01T00:00:00Z\"")
            return nil
        }
        return ConfigTableReader.Located(value: timestamp.secondsSinceEpoch, line: reader.line(of: key) ?? 0)
    }

    private static func checkPublicKey(_ text: String, kind: WebhookSourceKind?) -> String? {
        switch kind {
        case .discord:
            let isHex =
                text.utf8.count == 64
                && text.utf8.allSatisfy {
                    ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46)
                }
            return isHex ? nil : "must be the 64 hex digits of the application's Ed25519 public key"
        case .standardWebhooks:
            return text.hasPrefix("whpk_") ? nil : "must be a Standard Webhooks public key (whpk_…)"
        default:
            return nil
        }
    }
}

extension AutoReplayConfig {
    /// Reads `[sources.auto_replay]`.
    init(reading reader: ConfigTableReader) {
        self.init()
        enabled = reader.bool("enabled") ?? enabled
        if let values = reader.stringArray("statuses", validate: ConfigValidation.runStatus) {
            statuses = values.map(\.value)
        }
        if let values = reader.stringArray("error_patterns", validate: ConfigValidation.regularExpression) {
            errorPatterns = values.map(\.value)
        }
        maxReplaysPerRun = reader.integer("max_replays_per_run", in: 1...100) ?? maxReplaysPerRun
        cooldown = reader.duration("cooldown", in: .zero...(.seconds(7 * 86_400))) ?? cooldown
        reader.finish()
    }
}
