import Foundation

extension EndToEndHarness {
    /// Writes a simulator fixtures file into the test's directory: the bundled fixtures plus one failed,
    /// replayable run of an enabled job for each of `failedRunIDs`. Returns its path, for `--fixtures`.
    func writeFixtures(failedRunIDs: [String]) throws -> String {
        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
                "Config/strait-fixtures.json"
            )
        guard var fixtures = try JSONSerialization.jsonObject(with: Data(contentsOf: bundled)) as? [String: Any]
        else { throw HarnessError("\(bundled.path) is not a JSON object") }
        var runs = fixtures["runs"] as? [[String: Any]] ?? []
        for id in failedRunIDs {
            runs.append([
                "id": id, "job_id": "job_ttl", "project_id": "proj_demo", "status": "failed", "attempt": 1,
                "triggered_by": "api", "priority": 0, "job_version": 3, "job_version_id": "jv_ttl_3",
                "debug_mode": false, "lineage_depth": 0, "created_at": "2026-04-30T08:00:00Z",
            ])
        }
        fixtures["runs"] = runs
        let path = directory + "/fixtures.json"
        try JSONSerialization.data(withJSONObject: fixtures).write(to: URL(fileURLWithPath: path))
        return path
    }
}
