import ReplayCore
import Webhooks

/// One configured `[[sources]]` entry, ready to serve: its verifier built from the keyring, and what it needs to
/// turn a verified delivery into replays.
public struct WebhookSource: Sendable {
    /// The name (`POST /hooks/<name>`).
    public let name: String
    /// The sender kind.
    public let kind: WebhookSourceKind
    /// Checks signatures on the raw bytes.
    public let verifier: any WebhookVerifier
    /// The principal a `standard_webhooks` or `strait` source acts as.
    public let servicePrincipal: String?
    /// Where a Standard Webhooks body holds the run id and checkpoint.
    public let mapping: StandardWebhookPayload.Mapping
    /// Which Strait notifications are replayed; `nil` when auto-replay is off or the kind is not `strait`.
    public let autoReplay: AutoReplayPolicy?

    /// Creates a source from its parts (tests).
    public init(
        name: String,
        kind: WebhookSourceKind,
        verifier: any WebhookVerifier,
        servicePrincipal: String? = nil,
        mapping: StandardWebhookPayload.Mapping = StandardWebhookPayload.Mapping(),
        autoReplay: AutoReplayPolicy? = nil
    ) {
        self.name = name
        self.kind = kind
        self.verifier = verifier
        self.servicePrincipal = servicePrincipal
        self.mapping = mapping
        self.autoReplay = autoReplay
    }

    /// Builds a source from its config. Secrets must be loaded (the config was read with an environment).
    ///
    /// - Throws: ``WebhookSourceError`` naming the source and key when a key cannot be used.
    public init(config: WebhookSourceConfig, tolerance: Duration) throws(WebhookSourceError) {
        var keys: [WebhookKey] = []
        for key in config.keys {
            let material: WebhookKey.Material
            do {
                switch key.material {
                case .publicKey(let text):
                    material = try WebhookKey.Material.parse(text, for: config.kind)
                case .secret(let reference, let secret):
                    guard let secret else {
                        throw WebhookSourceError(
                            source: config.name,
                            message: "key \(key.id): the secret from \(reference) was not loaded"
                        )
                    }
                    material = try secret.withUnsafeValue { text throws(WebhookKeyError) in
                        try WebhookKey.Material.parse(text, for: config.kind)
                    }
                }
            } catch let error as WebhookSourceError {
                throw error
            } catch {
                throw WebhookSourceError(source: config.name, message: "key \(key.id): \(error)")
            }
            keys.append(WebhookKey(id: key.id, material: material, notBefore: key.notBefore, notAfter: key.notAfter))
        }
        let verifier: any WebhookVerifier
        do {
            verifier = try WebhookVerifierFactory.make(
                kind: config.kind,
                keyring: WebhookKeyring(keys: keys),
                tolerance: tolerance
            )
        } catch {
            throw WebhookSourceError(source: config.name, message: "\(error)")
        }
        var mapping = StandardWebhookPayload.Mapping()
        var policy: AutoReplayPolicy?
        do {
            mapping = StandardWebhookPayload.Mapping(
                runID: try JSONPointer(config.runIDPointer),
                fromCheckpoint: try JSONPointer(config.checkpointPointer)
            )
        } catch {
            throw WebhookSourceError(source: config.name, message: "\(error.message)")
        }
        if config.kind == .strait && config.autoReplay.enabled {
            do {
                policy = try AutoReplayPolicy(
                    statuses: Set(config.autoReplay.statuses),
                    errorPatterns: config.autoReplay.errorPatterns,
                    maxReplaysPerRun: config.autoReplay.maxReplaysPerRun,
                    cooldown: config.autoReplay.cooldown
                )
            } catch {
                throw WebhookSourceError(source: config.name, message: "auto_replay: \(error.message)")
            }
        }
        self.init(
            name: config.name,
            kind: config.kind,
            verifier: verifier,
            servicePrincipal: config.principal,
            mapping: mapping,
            autoReplay: policy
        )
    }
}

/// A source that cannot be served (a key that does not parse, a bad policy). The message never holds a secret.
public struct WebhookSourceError: Error, Sendable, CustomStringConvertible {
    /// The `[[sources]]` name.
    public var source: String
    /// What is wrong.
    public var message: String

    /// `source NAME: message`.
    public var description: String { "source \(source): \(message)" }
}
