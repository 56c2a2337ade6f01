import Foundation
import Testing

/// A JSON-RPC batch of many `runs.replay` calls against the real daemon and simulator: each call is a replay of its
/// own, with its own request id upstream. (Before each call of a batch had its own id, every call shared the
/// gateway request id and so attempt id `<rq>-1`: one replay ran and the rest stayed pending.)
@Suite struct RPCBatchEndToEndTests {
    @Test func aBatchOfOneHundredReplaysGivesOneHundredRunsAndOneHundredAnswers() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let count = 100
        let ids = (0..<count).map { String(format: "run_batch_%03d", $0) }
        let fixtures = try harness.writeFixtures(failedRunIDs: ids)
        try await harness.startSimulator(extraArguments: [
            "--fixtures", fixtures, "--ip-rate-limit", "0", "--key-rate-limit", "0",
        ])
        try harness.writeConfig(replays: "coalesce_window = \"0s\"")
        try await harness.startDaemon()
        do {
            let calls = ids.enumerated().map { index, id in
                #"{"jsonrpc":"2.0","method":"runs.replay","params":{"run_id":"\#(id)"},"id":\#(index)}"#
            }
            let batch = try await harness.socketRequest(
                "POST",
                "/v1/rpc",
                body: "[" + calls.joined(separator: ",") + "]"
            )
            #expect(batch.status == 200)
            let answers = try #require(
                (try? JSONSerialization.jsonObject(with: Data(batch.body.utf8))) as? [[String: Any]],
                "body: \(batch.body.prefix(2000))"
            )
            #expect(answers.count == count)
            let failures = answers.filter { $0["result"] == nil }
            #expect(failures.isEmpty, "calls without a result: \(failures.prefix(3))")
            let newRuns = Set(answers.compactMap { ($0["result"] as? [String: Any])?["id"] as? String })
            #expect(newRuns.count == count, "each call created a run of its own")
            #expect(Set(answers.compactMap { ($0["id"] as? NSNumber)?.intValue }) == Set(0..<count))
            #expect(try await harness.simulatorReplayTotal() == count)
            let pending = try await harness.socketRequest("GET", "/v1/replays?pending=true")
            #expect(pending.body.contains(#""data":[]"#), "nothing is left pending: \(pending.body.prefix(500))")
            #expect(harness.daemon?.stderr.contains("is already recorded") == false)
        } catch {
            Issue.record("daemon stderr:\n\(harness.daemon?.stderr.suffix(4000) ?? "")")
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}
