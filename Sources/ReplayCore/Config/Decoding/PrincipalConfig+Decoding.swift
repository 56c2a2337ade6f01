extension PrincipalConfig {
    /// Reads every `[[principals]]` table, then checks that names are unique and that no user, uid or group
    /// maps to two principals.
    ///
    /// `servicePrincipals` are the names `[[sources]] principal` uses: those may have no mapping at all.
    static func readAll(_ readers: [ConfigTableReader], servicePrincipals: Set<String>) -> [PrincipalConfig] {
        var principals: [PrincipalConfig] = []
        var names: [String: Int] = [:]
        var owners = Owners()
        for reader in readers {
            guard let principal = read(reader, servicePrincipals: servicePrincipals) else { continue }
            if let firstLine = names[principal.name] {
                reader.report(
                    .duplicate(
                        reader.keyPath("name"),
                        line: reader.line(of: "name"),
                        "principal \(TOMLKey.quote(principal.name)) is already defined on line \(firstLine)"
                    )
                )
                continue
            }
            names[principal.name] = reader.line(of: "name") ?? 0
            owners.claim(principal, from: reader)
            principals.append(principal)
        }
        return principals
    }

    /// One `[[principals]]` table, or `nil` when its name is missing or invalid.
    private static func read(_ reader: ConfigTableReader, servicePrincipals: Set<String>) -> PrincipalConfig? {
        let name = reader.string("name", required: true, validate: ConfigValidation.principalName)
        let users = reader.stringArray("unix_users", validate: ConfigValidation.accountName)
        let uids = reader.integerArray("unix_uids", in: 0...Int64(UInt32.max - 1))
        let groups = reader.stringArray("unix_groups", validate: ConfigValidation.accountName)
        let slack = reader.stringArray("slack_users", validate: ConfigValidation.slackUser)
        let discord = reader.stringArray("discord_users", validate: ConfigValidation.discordUser)
        let github = reader.stringArray("github_logins", validate: ConfigValidation.githubLogin)
        let policyGroups = reader.stringArray("groups", validate: ConfigValidation.principalName)
        reader.finish()

        let mappingKeys = ["unix_users", "unix_uids", "unix_groups", "slack_users", "discord_users", "github_logins"]
        // A mapping of the wrong type was already reported; do not also call it missing.
        let hasMapping = mappingKeys.contains { key in
            reader.table[key].map { value in value.arrayValue.map { !$0.isEmpty } ?? true } ?? false
        }
        if !hasMapping && !servicePrincipals.contains(name ?? "") {
            reader.report(
                .invalidValue(
                    reader.path,
                    line: reader.line,
                    "a principal needs at least one of \(mappingKeys.joined(separator: ", ")), unless a "
                        + "[[sources]] entry names it as its principal"
                )
            )
        }
        guard let name else { return nil }
        return PrincipalConfig(
            name: name,
            unixUsers: users?.map(\.value) ?? [],
            unixUIDs: uids?.map { UInt32($0.value) } ?? [],
            unixGroups: groups?.map(\.value) ?? [],
            slackUsers: slack?.map(\.value) ?? [],
            discordUsers: discord?.map(\.value) ?? [],
            githubLogins: github?.map(\.value) ?? [],
            groups: policyGroups?.map(\.value) ?? []
        )
    }

    /// Which principal each user, uid and group belongs to, to refuse mappings to two principals.
    private struct Owners {
        private var owners: [String: (principal: String, line: Int)] = [:]

        mutating func claim(_ principal: PrincipalConfig, from reader: ConfigTableReader) {
            let users = principal.unixUsers.map { ("unix_users", "user \(TOMLKey.quote($0))") }
            let uids = principal.unixUIDs.map { ("unix_uids", "uid \($0)") }
            let groups = principal.unixGroups.map { ("unix_groups", "group \(TOMLKey.quote($0))") }
            let slack = principal.slackUsers.map { ("slack_users", "Slack user \(TOMLKey.quote($0))") }
            let discord = principal.discordUsers.map { ("discord_users", "Discord user \(TOMLKey.quote($0))") }
            let github = principal.githubLogins.map {
                ("github_logins", "GitHub login \(TOMLKey.quote($0.lowercased()))")
            }
            for (key, identity) in users + uids + groups + slack + discord + github {
                let line = reader.line(of: key) ?? 0
                if let owner = owners[identity] {
                    let message =
                        owner.principal == principal.name
                        ? "\(identity) is listed twice"
                        : "\(identity) already maps to principal \(TOMLKey.quote(owner.principal)) "
                            + "(line \(owner.line)); a caller may map to only one principal"
                    reader.report(.duplicate(reader.keyPath(key), line: line, message))
                } else {
                    owners[identity] = (principal.name, line)
                }
            }
        }
    }
}
