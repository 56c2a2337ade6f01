extension PrincipalConfig {
    /// Reads every `[[principals]]` table, then checks that names are unique and that no user, uid or group
    /// maps to two principals.
    static func readAll(_ readers: [ConfigTableReader]) -> [PrincipalConfig] {
        var principals: [PrincipalConfig] = []
        var names: [String: Int] = [:]
        var owners = Owners()
        for reader in readers {
            guard let principal = read(reader) else { continue }
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
    private static func read(_ reader: ConfigTableReader) -> PrincipalConfig? {
        let name = reader.string("name", required: true, validate: ConfigValidation.principalName)
        let users = reader.stringArray("unix_users", validate: ConfigValidation.accountName)
        let uids = reader.integerArray("unix_uids", in: 0...Int64(UInt32.max - 1))
        let groups = reader.stringArray("unix_groups", validate: ConfigValidation.accountName)
        reader.finish()

        let mappingKeys = ["unix_users", "unix_uids", "unix_groups"]
        // A mapping of the wrong type was already reported; do not also call it missing.
        let hasMapping = mappingKeys.contains { key in
            reader.table[key].map { value in value.arrayValue.map { !$0.isEmpty } ?? true } ?? false
        }
        if !hasMapping {
            reader.report(
                .invalidValue(
                    reader.path,
                    line: reader.line,
                    "a principal needs at least one of unix_users, unix_uids or unix_groups"
                )
            )
        }
        guard let name else { return nil }
        return PrincipalConfig(
            name: name,
            unixUsers: users?.map(\.value) ?? [],
            unixUIDs: uids?.map { UInt32($0.value) } ?? [],
            unixGroups: groups?.map(\.value) ?? []
        )
    }

    /// Which principal each user, uid and group belongs to, to refuse mappings to two principals.
    private struct Owners {
        private var owners: [String: (principal: String, line: Int)] = [:]

        mutating func claim(_ principal: PrincipalConfig, from reader: ConfigTableReader) {
            let users = principal.unixUsers.map { ("unix_users", "user \(TOMLKey.quote($0))") }
            let uids = principal.unixUIDs.map { ("unix_uids", "uid \($0)") }
            let groups = principal.unixGroups.map { ("unix_groups", "group \(TOMLKey.quote($0))") }
            for (key, identity) in users + uids + groups {
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
