import Foundation
import Testing

/// Issue 11's rate limits on the real binaries: the burst passes, the next replay gets 429 `rate_limited` with
/// `Retry-After`, a repeat of a used idempotency key is not charged again, and the `RateLimit-Policy` and
/// `RateLimit` fields parse with Python's `http_sfv` (an RFC 9651 parser independent of ours).
///
/// The limit is 1 per hour with a burst of 3, so real time passing during the test cannot refill it.
@Suite(.timeLimit(.minutes(10))) struct RateLimitEndToEndTests {
    @Test func theBurstPassesThenA429AndTheFieldsParseWithAnIndependentParser() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        try await harness.startSimulator()
        try harness.writeConfig(limits: #"per_principal = "1 per 1h, burst 3""#)
        try await harness.startDaemon()

        func replay(_ key: String) async throws -> (status: Int, body: String, fields: [String: String]) {
            let answer = try await harness.socketRequest(
                "POST",
                "/v1/runs/run_failed_1/replay",
                headers: ["Idempotency-Key: \(key)"]
            )
            return (answer.status, answer.body, Self.fields(answer.headers))
        }

        let first = try await replay("e2e-a")
        #expect(first.status == 201, "\(first.body)")
        // The same key again is answered from the store and not charged: two more new keys still pass.
        let repeated = try await replay("e2e-a")
        #expect(repeated.status == 201)
        let second = try await replay("e2e-b")
        let third = try await replay("e2e-c")
        #expect(second.status == 201 && third.status == 201)
        let refused = try await replay("e2e-d")
        #expect(refused.status == 429, "\(refused.body)")
        let envelope = (try? JSONSerialization.jsonObject(with: Data(refused.body.utf8))) as? [String: Any]
        #expect((envelope?["error"] as? [String: Any])?["code"] as? String == "rate_limited")
        #expect(envelope?["request_id"] as? String != nil)
        let retryAfter = Int(refused.fields["retry-after"] ?? "") ?? 0
        #expect((3000...3600).contains(retryAfter), "Retry-After: \(retryAfter)")

        for answer in [first, repeated, second, third, refused] {
            let policy = try await Self.parse(harness, try #require(answer.fields["ratelimit-policy"]))
            let state = try await Self.parse(harness, try #require(answer.fields["ratelimit"]))
            #expect(policy.first?.name == "principal")
            #expect(policy.first?.params["q"] == 1)
            #expect(policy.first?.params["w"] == 3600)
            #expect(state.first?.name == "principal")
            #expect(state.first?.params["t"] != nil)
            #expect(policy.map(\.name) == state.map(\.name))
        }
        var remaining: [Int?] = []
        for answer in [first, second, third, refused] {
            remaining.append(try await Self.parse(harness, answer.fields["ratelimit"] ?? "").first?.params["r"])
        }
        #expect(remaining == [2, 1, 0, 0])
        // Only three replays reached Strait.
        #expect(try await harness.simulatorReplayTotal() <= 3)
        await harness.stop()
    }

    /// The head's fields, names lowercased (the last value of a repeated name).
    static func fields(_ head: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                .trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    struct Member: Sendable {
        var name: String
        var params: [String: Int]
    }

    /// Parses a list field with `http_sfv` in Python; each member's string value and integer parameters.
    static func parse(_ harness: EndToEndHarness, _ value: String) async throws -> [Member] {
        let script = """
            import json, sys
            import http_sfv
            field = http_sfv.List()
            field.parse(sys.argv[1].encode("ascii"))
            print(json.dumps([[item.value, {k: v for k, v in item.params.items()}] for item in field]))
            """
        let result = try await harness.run("/usr/bin/python3", ["-c", script, value])
        #expect(result.status == 0, "http_sfv could not parse \(value): \(result.stderr)")
        let decoded = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [[Any]] ?? []
        return decoded.map { pair in
            let params = (pair.count > 1 ? pair[1] as? [String: Any] : nil) ?? [:]
            return Member(
                name: pair.first as? String ?? "",
                params: params.compactMapValues { ($0 as? NSNumber)?.intValue }
            )
        }
    }
}
