extension SimulatorFixtures {
    /// Checks the rules decoding cannot: unique non-empty ids, known projects, well-formed keys and checkpoints.
    ///
    /// ``load(path:)`` and ``decode(_:)`` call this; call it yourself for fixtures built in code.
    ///
    /// - Throws: ``SimulatorError`` with code `invalid_fixtures` and the path of the first bad field.
    public func validate() throws(SimulatorError) {
        let projectIDs = try uniqueIDs(projects.map(\.id), list: "projects")
        _ = try uniqueIDs(jobs.map(\.id), list: "jobs")
        let runIDs = try uniqueIDs(runs.map(\.id), list: "runs")
        _ = try uniqueIDs(apiKeys.map(\.id), list: "api_keys")

        for (index, job) in jobs.enumerated() {
            try require(
                projectIDs.contains(job.projectID),
                "jobs[\(index)].project_id",
                "unknown project \"\(job.projectID)\""
            )
            try require(job.timeoutSecs >= 0, "jobs[\(index)].timeout_secs", "must not be negative")
            try require((job.runTTLSecs ?? 0) >= 0, "jobs[\(index)].run_ttl_secs", "must not be negative")
        }
        for (index, run) in runs.enumerated() {
            try require(
                projectIDs.contains(run.projectID),
                "runs[\(index)].project_id",
                "unknown project \"\(run.projectID)\""
            )
            try require(!run.status.rawValue.isEmpty, "runs[\(index)].status", "must not be empty")
        }
        for runID in checkpoints.keys.sorted() {
            try require(runIDs.contains(runID), "checkpoints.\(runID)", "unknown run")
            var sequences = Set<Int>()
            for (index, checkpoint) in (checkpoints[runID] ?? []).enumerated() {
                let field = "checkpoints.\(runID)[\(index)]"
                try require(checkpoint.sequence >= 1, "\(field).sequence", "must be a positive integer")
                try require(sequences.insert(checkpoint.sequence).inserted, "\(field).sequence", "is a duplicate")
                try require(checkpoint.runID == runID, "\(field).run_id", "must be \"\(runID)\" or absent")
            }
        }
        var hashes = Set<String>()
        for (index, key) in apiKeys.enumerated() {
            try validate(key, field: "api_keys[\(index)]", projectIDs: projectIDs)
            try require(hashes.insert(key.hash).inserted, "api_keys[\(index)]", "the same key appears twice")
        }
    }

    private func validate(_ key: APIKey, field: String, projectIDs: Set<String>) throws(SimulatorError) {
        try require(projectIDs.contains(key.projectID), "\(field).project_id", "unknown project \"\(key.projectID)\"")
        switch (key.key, key.keySHA256) {
        case (let full?, nil):
            let hex = full.dropFirst("strait_".count)
            try require(
                full.hasPrefix("strait_") && Self.isLowercaseHex(hex, count: 64),
                "\(field).key",
                "must be \"strait_\" followed by 64 lowercase hex characters"
            )
        case (nil, let hash?):
            try require(
                Self.isLowercaseHex(Substring(hash), count: 64),
                "\(field).key_sha256",
                "must be 64 lowercase hex characters"
            )
        default:
            throw SimulatorError(
                code: .invalidFixtures,
                field: field,
                message: "give exactly one of \"key\" and \"key_sha256\""
            )
        }
        for (index, scope) in key.scopes.enumerated() {
            try require(!scope.isEmpty, "\(field).scopes[\(index)]", "must not be empty")
        }
        if let limit = key.rateLimit {
            try require(limit.requests >= 0, "\(field).rate_limit.requests", "must not be negative")
            try require(limit.windowSecs >= 1, "\(field).rate_limit.window_secs", "must be at least 1")
        }
    }

    private func uniqueIDs(_ ids: [String], list: String) throws(SimulatorError) -> Set<String> {
        var seen = Set<String>()
        for (index, id) in ids.enumerated() {
            try require(!id.isEmpty, "\(list)[\(index)].id", "must not be empty")
            try require(seen.insert(id).inserted, "\(list)[\(index)].id", "duplicate id \"\(id)\"")
        }
        return seen
    }

    private func require(_ condition: Bool, _ field: String, _ message: String) throws(SimulatorError) {
        guard condition else { throw SimulatorError(code: .invalidFixtures, field: field, message: message) }
    }

    private static func isLowercaseHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
