/// What `replayd audit verify` found over several instances' logs: each chain on its own, and the instance ids
/// that more than one directory claims.
public struct AuditFleetVerification: Sendable, Hashable {
    /// An instance id that several directories claim.
    public struct DuplicateInstance: Sendable, Hashable {
        /// The instance id.
        public var instance: String
        /// The directories that claim it, in the order given.
        public var directories: [String]

        /// Creates a duplicate.
        public init(instance: String, directories: [String]) {
            self.instance = instance
            self.directories = directories
        }
    }

    /// Each chain, in the order its directory was given.
    public var chains: [AuditChainReport]

    /// Creates the result.
    public init(chains: [AuditChainReport]) {
        self.chains = chains
    }

    /// The instance ids more than one directory claims (two copies of one log, or two instances configured with
    /// one id), in order of first appearance.
    public var duplicates: [DuplicateInstance] {
        var order: [String] = []
        var directories: [String: [String]] = [:]
        for chain in chains {
            guard let instance = chain.instance else { continue }
            if directories[instance] == nil { order.append(instance) }
            directories[instance, default: []].append(chain.directory)
        }
        return order.compactMap { instance in
            guard let claimed = directories[instance], claimed.count > 1 else { return nil }
            return DuplicateInstance(instance: instance, directories: claimed)
        }
    }

    /// Whether every chain is intact and no two directories claim one instance id.
    public var ok: Bool { chains.allSatisfy(\.intact) && duplicates.isEmpty }

    /// The exit status: ``AuditExitStatus/ok`` when ``ok``, else ``AuditExitStatus/tampered``.
    public var exitStatus: AuditExitStatus { ok ? .ok : .tampered }

    /// The text report: each chain's lines, a line per duplicate instance id, and a summary.
    public var lines: [String] {
        var lines: [String] = []
        for chain in chains { lines += chain.lines }
        for duplicate in duplicates {
            lines.append(
                "duplicate instance: \(duplicate.instance) is claimed by \(duplicate.directories.joined(separator: ", "))"
            )
        }
        let intact = chains.filter(\.intact).count
        lines.append(
            "fleet: \(intact) of \(chains.count) chain\(chains.count == 1 ? "" : "s") intact"
                + (duplicates.isEmpty
                    ? "" : ", \(duplicates.count) instance id\(duplicates.count == 1 ? "" : "s") claimed twice")
        )
        return lines
    }

    /// The JSON report (`-o json`): `{"ok", "chains": [...], "duplicate_instances": [...]}`, as an ``AuditJSON``
    /// object (its ``AuditJSON/canonical`` form is what is printed).
    public var json: AuditJSON {
        .object([
            ("ok", .bool(ok)),
            ("chains", .array(chains.map(Self.chainJSON))),
            (
                "duplicate_instances",
                .array(
                    duplicates.map {
                        .object([
                            ("instance", .string($0.instance)),
                            ("directories", .array($0.directories.map { AuditJSON.string($0) })),
                        ])
                    }
                )
            ),
        ])
    }

    private static func chainJSON(_ chain: AuditChainReport) -> AuditJSON {
        let verification = chain.verification
        var members: [(String, AuditJSON)] = [
            ("directory", .string(chain.directory)),
            ("instance", chain.instance.map { AuditJSON.string($0) } ?? AuditJSON.null),
            ("instance_from", .string(chain.instanceSource.rawValue)),
            ("ok", .bool(chain.intact)),
            ("records", .int(Int64(verification.recordsChecked))),
            ("segments", .int(Int64(verification.segmentsChecked))),
            ("first_seq", verification.firstSeq.map { AuditJSON.int($0) } ?? AuditJSON.null),
            ("last_seq", .int(verification.lastSeq)),
            ("first_ts", chain.firstTime.map { AuditJSON.string($0) } ?? AuditJSON.null),
            ("last_ts", chain.lastTime.map { AuditJSON.string($0) } ?? AuditJSON.null),
            ("head", .string(verification.headHash)),
            ("checkpoints_checked", .int(Int64(verification.checkpointsChecked))),
            ("key_ids", .array(verification.keyIDs.map { AuditJSON.string($0) })),
            ("notes", .array(verification.notes.map { AuditJSON.string($0) })),
            ("other_instances", .array(chain.otherInstances.map { AuditJSON.string($0) })),
        ]
        if let problem = verification.firstProblem {
            members.append(
                (
                    "problem",
                    .object([
                        ("code", .string(problem.reason.code.rawValue)),
                        ("seq", .int(problem.seq)),
                        ("segment", .string(problem.segment)),
                        ("line", .int(Int64(problem.line))),
                        ("reason", .string(problem.reason.text)),
                    ])
                )
            )
        } else {
            members.append(("problem", .null))
        }
        return .object(members)
    }
}
