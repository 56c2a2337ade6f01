import Strait

extension GrantConfig {
    /// Reads every `[[grants]]` table and checks them against `principals`: names are unique, every `to` entry
    /// names a principal or a group some principal is in. A config with principals but no grants is refused with
    /// the block that keeps the old behaviour (being mapped allowed everything), so an upgrade never silently
    /// changes who may replay.
    static func readAll(
        _ readers: [ConfigTableReader],
        principals: [PrincipalConfig],
        root: ConfigTableReader
    ) -> [GrantConfig] {
        let principalNames = Set(principals.map(\.name))
        let groups = Set(principals.flatMap(\.groups))
        var grants: [GrantConfig] = []
        var names: [String: Int] = [:]
        for (index, reader) in readers.enumerated() {
            guard let grant = read(reader, index: index, principals: principalNames, groups: groups) else { continue }
            if let firstLine = names[grant.name] {
                reader.report(
                    .duplicate(
                        reader.keyPath("name"),
                        line: reader.line(of: "name"),
                        "grant \(TOMLKey.quote(grant.name)) is already defined on line \(firstLine)"
                    )
                )
                continue
            }
            names[grant.name] = reader.line(of: "name") ?? 0
            grants.append(grant)
        }
        if readers.isEmpty && !principals.isEmpty {
            root.report(
                .missingKey(
                    "grants",
                    line: nil,
                    hint: "replayd denies by default: a principal may do only what a [[grants]] entry allows. "
                        + "To keep the behaviour of earlier versions (every mapped principal may replay, force, "
                        + "bulk-replay, and read and resolve its own replays), add:\n\n"
                        + migrationBlock(for: principals.map(\.name)) + "\n"
                )
            )
        }
        return grants
    }

    private static func read(
        _ reader: ConfigTableReader,
        index: Int,
        principals: Set<String>,
        groups: Set<String>
    ) -> GrantConfig? {
        let name = reader.string("name", validate: ConfigValidation.principalName) ?? "grants[\(index)]"
        let to = reader.stringArray("to") { entry in
            if entry.hasPrefix("group:") {
                let group = String(entry.dropFirst("group:".count))
                return groups.contains(group)
                    ? nil : "no principal is in group \(TOMLKey.quote(group)) (add it to a principal's groups)"
            }
            return principals.contains(entry)
                ? nil : "no principal is named \(TOMLKey.quote(entry)) (use \"group:NAME\" for a group)"
        }
        let actionNames = PolicyAction.allCases.map(\.rawValue)
        let allow = reader.stringArray("allow") { name in
            PolicyAction(rawValue: name) == nil
                ? "must be one of \(actionNames.joined(separator: ", ")), got \(TOMLKey.quote(name))" : nil
        }
        let projects = reader.stringArray("projects", validate: nonEmpty)
        let jobs = reader.stringArray("jobs", validate: nonEmpty)
        let doorNames = RequestOrigin.Door.allCases.map(\.rawValue)
        let doors = reader.stringArray("doors") { name in
            RequestOrigin.Door(rawValue: name) == nil
                ? "must be one of \(doorNames.joined(separator: ", ")), got \(TOMLKey.quote(name))" : nil
        }
        let sources = reader.stringArray("sources", validate: nonEmpty)
        let channels = reader.stringArray("channels", validate: nonEmpty)
        let notBefore = instant(reader, "not_before")
        let notAfter = instant(reader, "not_after")
        reader.finish()
        for (key, list) in [("to", to), ("allow", allow)] where list?.isEmpty == true {
            reader.reportInvalid(key, "must not be empty")
        }
        if !reader.contains("to") { reader.report(.missingKey(reader.keyPath("to"), line: reader.line)) }
        if !reader.contains("allow") { reader.report(.missingKey(reader.keyPath("allow"), line: reader.line)) }
        for (key, list) in [("projects", projects), ("jobs", jobs), ("doors", doors), ("sources", sources)]
        where list?.isEmpty == true {
            reader.reportInvalid(key, "must not be empty (leave the key out to match every \(key.dropLast()))")
        }
        if channels?.isEmpty == true {
            reader.reportInvalid("channels", "must not be empty (leave the key out to match every channel)")
        }
        if let notBefore, let notAfter, notAfter <= notBefore {
            reader.reportInvalid("not_after", "must be after not_before")
        }
        guard let to, let allow, !to.isEmpty, !allow.isEmpty else { return nil }
        return GrantConfig(
            name: name,
            to: to.map(\.value),
            allow: allow.compactMap { PolicyAction(rawValue: $0.value) },
            projects: projects?.map(\.value),
            jobs: jobs?.map(\.value),
            doors: doors?.compactMap { RequestOrigin.Door(rawValue: $0.value) },
            sources: sources?.map(\.value),
            channels: channels?.map(\.value),
            notBefore: notBefore,
            notAfter: notAfter
        )
    }

    private static func nonEmpty(_ text: String) -> String? {
        text.isEmpty ? "must not be empty" : nil
    }

    /// An RFC 3339 time, as Unix milliseconds.
    private static func instant(_ reader: ConfigTableReader, _ key: String) -> Int64? {
        guard let text = reader.string(key) else { return nil }
        guard let timestamp = StraitTimestamp(text) else {
            reader.reportInvalid(key, "must be an RFC 3339 time such as \"2026-12-01T00:00:00Z\"")
            return nil
        }
        return timestamp.secondsSinceEpoch * 1000 + Int64(timestamp.nanoseconds / 1_000_000)
    }
}

extension AuthConfig {
    /// Reads `[auth]`.
    init(reading reader: ConfigTableReader) {
        self.init()
        runLookupTTL = reader.duration("run_lookup_ttl", in: .zero ... .seconds(86_400)) ?? runLookupTTL
        runLookupCacheSize = reader.integer("run_lookup_cache_size", in: 1...1_000_000) ?? runLookupCacheSize
        reader.finish()
    }
}
