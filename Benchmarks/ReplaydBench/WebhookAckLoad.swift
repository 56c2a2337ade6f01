import Curl
import Foundation
import Logging
import Strait
import StraitSimulator
import Webhooks

/// Ack latency per sender kind, end to end: real `replayd serve` with one `[[sources]]` entry per kind, fed signed
/// deliveries over TCP by `concurrency` clients, each delivery unique and each submitting a real replay to
/// `replayd simulate`.
///
/// The time measured is from sending the request to receiving the HTTP answer: verification, the durable audit
/// record, the dedup claim, the durable replay submission and the rendered ack. Upstream work happens after the
/// answer and is checked separately (every replay must reach the simulator; Slack and Discord must get their
/// follow-up posts).
struct WebhookAckLoad {
    /// What one sender kind measured.
    struct Result: Sendable {
        var kind: WebhookSourceKind
        var latency: LatencySummary
        /// Wall time of the measured deliveries (first sent to last answered).
        var wall: Duration
        /// Answers by HTTP status (0: no answer, a transport error).
        var statuses: [Int: Int]
        /// The first non-2xx answer, for diagnosis.
        var firstFailure: String?
        /// Replays of this kind's runs the simulator created (warm-up included).
        var replaysUpstream: Int
        /// Deliveries sent (warm-up included).
        var sent: Int
        /// Follow-ups received by the reply sink (Slack `response_url` posts, Discord follow-ups); `nil` for
        /// kinds that get none.
        var followUps: Int?

        /// Measured deliveries answered per second, over ``wall``.
        var perSecond: Double { Double(latency.count) / max(wall.seconds, 1e-9) }

        var non2xx: Int { statuses.filter { !(200..<300).contains($0.key) }.values.reduce(0, +) }
    }

    /// The source name each kind is served under (`/hooks/<name>`).
    static let sourceNames: [WebhookSourceKind: String] = [
        .slack: "slack", .discord: "discord", .github: "github", .standardWebhooks: "std", .strait: "notify",
    ]

    /// The kinds, in the order they are measured.
    static let kinds: [WebhookSourceKind] = [.slack, .discord, .github, .standardWebhooks, .strait]

    var replayd: String
    var requests: Int
    var concurrency: Int
    var warmup: Int
    var logLevel: String

    /// Starts the stack, measures every kind in turn, then waits (up to `settle`) for the replays and follow-ups
    /// to arrive.
    func run(settle: Duration = .seconds(120)) async throws -> [Result] {
        let signer = WebhookBenchSigner.random()
        let sink = try await BenchHTTPSink.start()
        let stack = try BenchStack()
        defer { stack.stop() }
        let fixtures = stack.directory + "/fixtures.json"
        try writeFixtures(to: fixtures)
        let port = try BenchStack.freeTCPPort()
        let log = stack.directory + "/replayd.log"
        try stack.start(
            replayd: replayd,
            logLevel: logLevel,
            fixtures: fixtures,
            extraConfig: config(port: port, sinkPort: sink.port, signer: signer),
            environment: [
                "SLACK_SECRET": signer.slackSecret, "GITHUB_SECRET": signer.githubSecret,
                "STD_SECRET": signer.standardSecretText, "NOTIFY_SECRET": signer.straitSecret,
            ],
            daemonLog: log
        )
        do {
            try await BenchStack.waitForListener(port: port, timeout: .seconds(30))
        } catch {
            Self.printTail(of: log)
            throw error
        }
        var configuration = CurlClientConfiguration()
        configuration.totalTimeout = .seconds(60)
        let client = try CurlClient(configuration: configuration, logger: Logger(label: "bench"))
        var results: [Result] = []
        for kind in Self.kinds {
            let url = "http://127.0.0.1:\(port)/hooks/\(Self.sourceNames[kind] ?? kind.rawValue)"
            let sinkURL = "http://127.0.0.1:\(sink.port)"
            _ = await load(kind, indices: 0..<warmup, url: url, sinkURL: sinkURL, client: client, signer: signer)
            let started = ContinuousClock.now
            let samples = await load(
                kind,
                indices: warmup..<(warmup + requests),
                url: url,
                sinkURL: sinkURL,
                client: client,
                signer: signer
            )
            let wall = started.duration(to: .now)
            var statuses: [Int: Int] = [:]
            var firstFailure: String?
            for sample in samples {
                statuses[sample.status, default: 0] += 1
                if !(200..<300).contains(sample.status), firstFailure == nil { firstFailure = sample.failure }
            }
            results.append(
                Result(
                    kind: kind,
                    latency: LatencySummary(samples.map(\.elapsed)),
                    wall: wall,
                    statuses: statuses,
                    firstFailure: firstFailure,
                    replaysUpstream: 0,
                    sent: warmup + requests,
                    followUps: nil
                )
            )
        }
        await client.shutdown()
        try await settleAndCount(&results, sink: sink, simulatorURL: stack.simulatorURL, timeout: settle)
        await sink.stop()
        if results.contains(where: { $0.non2xx > 0 || $0.replaysUpstream != $0.sent }) {
            Self.printTail(of: log)
        }
        return results
    }

    /// The run the `index`th delivery of `kind` replays: one fixture run per delivery, so no replay waits on
    /// another's and Strait's auto-replay budget (per original run) never runs out.
    static func runID(_ kind: WebhookSourceKind, _ index: Int) -> String {
        "run_bench_\(kind.rawValue)_\(index)"
    }

    private struct Sample: Sendable {
        var elapsed: Duration
        var status: Int
        var failure: String?
    }

    /// Sends one delivery per index, `concurrency` at a time, and times each answer.
    private func load(
        _ kind: WebhookSourceKind,
        indices: Range<Int>,
        url: String,
        sinkURL: String,
        client: CurlClient,
        signer: WebhookBenchSigner
    ) async -> [Sample] {
        await withTaskGroup(of: Sample.self) { group in
            var next = indices.lowerBound
            var samples: [Sample] = []
            samples.reserveCapacity(indices.count)
            func add() {
                let index = next
                next += 1
                group.addTask {
                    let delivery: WebhookDelivery
                    do {
                        delivery = try WebhookBenchPayloads.delivery(
                            kind,
                            index: index,
                            runID: Self.runID(kind, index),
                            signer: signer,
                            timestamp: Int64(Date().timeIntervalSince1970),
                            responseURL: "\(sinkURL)/slack/\(index)"
                        )
                    } catch {
                        return Sample(elapsed: .zero, status: 0, failure: "signing failed: \(error)")
                    }
                    let request = HTTPRequest(
                        method: "POST",
                        url: url,
                        headers: HTTPHeaders(delivery.headers),
                        body: delivery.body
                    )
                    let clock = ContinuousClock()
                    let started = clock.now
                    do {
                        let response = try await client.send(request)
                        let elapsed = started.duration(to: clock.now)
                        let failure =
                            (200..<300).contains(response.status)
                            ? nil
                            : "HTTP \(response.status): \(String(decoding: response.body.prefix(400), as: UTF8.self))"
                        return Sample(elapsed: elapsed, status: response.status, failure: failure)
                    } catch {
                        return Sample(elapsed: started.duration(to: clock.now), status: 0, failure: "\(error)")
                    }
                }
            }
            for _ in 0..<min(concurrency, indices.count) { add() }
            while let sample = await group.next() {
                samples.append(sample)
                if next < indices.upperBound { add() }
            }
            return samples
        }
    }

    /// Polls the simulator and the sink until every delivery's replay and follow-up arrived or `timeout` passed,
    /// then fills in the counts.
    private func settleAndCount(
        _ results: inout [Result],
        sink: BenchHTTPSink,
        simulatorURL: String,
        timeout: Duration
    ) async throws {
        let control = try CurlClient(logger: Logger(label: "bench"))
        let expected = results.map(\.sent).reduce(0, +)
        let chat = Self.kinds.filter { $0 == .slack || $0 == .discord }.count * (warmup + requests)
        let deadline = ContinuousClock.now + timeout
        var counts = SimulatorReplayCounts()
        do {
            while true {
                let response = try await control.send(HTTPRequest(method: "GET", url: simulatorURL + "/_sim/replays"))
                counts = try JSONDecoder().decode(SimulatorReplayCounts.self, from: Data(response.body))
                let followUps = sink.requests(under: "slack") + sink.requests(under: "discord")
                if (counts.total >= expected && followUps >= chat) || ContinuousClock.now >= deadline { break }
                try await Task.sleep(for: .milliseconds(250))
            }
        } catch {
            await control.shutdown()
            throw error
        }
        await control.shutdown()
        for index in results.indices {
            let prefix = "run_bench_\(results[index].kind.rawValue)_"
            results[index].replaysUpstream = counts.byOriginalRun.filter { $0.key.hasPrefix(prefix) }.values.reduce(
                0,
                +
            )
            switch results[index].kind {
            case .slack: results[index].followUps = sink.requests(under: "slack")
            case .discord: results[index].followUps = sink.requests(under: "discord")
            default: break
            }
        }
    }

    /// The demo fixtures plus one failed run (a copy of `run_failed_1`) per delivery.
    private func writeFixtures(to path: String) throws {
        var fixtures = SimulatorFixtures.demo
        guard let template = fixtures.runs.first(where: { $0.id == "run_failed_1" }) else {
            throw BenchError("the demo fixtures have no run_failed_1")
        }
        for kind in Self.kinds {
            for index in 0..<(warmup + requests) {
                var run = template
                run.id = Self.runID(kind, index)
                fixtures.runs.append(run)
            }
        }
        try JSONEncoder().encode(fixtures).write(to: URL(fileURLWithPath: path))
    }

    /// `[webhooks]`, the chat user and service principals, and one source per kind. Secrets come from the
    /// environment; Discord's public key is inline. Follow-ups go to the local sink.
    private func config(port: Int, sinkPort: Int, signer: WebhookBenchSigner) -> String {
        """
        [webhooks]
        listen = "127.0.0.1:\(port)"
        preauth_rate = 100000
        preauth_burst = 1000000
        discord_api_url = "http://127.0.0.1:\(sinkPort)/discord"
        [[principals]]
        name = "alice"
        slack_users = ["T1/U1"]
        discord_users = ["111/222"]
        github_logins = ["octocat"]
        [[principals]]
        name = "bot"
        [[grants]]
        name = "bench-webhooks"
        to = ["alice", "bot"]
        allow = ["replay", "replay_from_checkpoint", "force", "read"]
        [[sources]]
        name = "slack"
        kind = "slack"
        [[sources.keys]]
        id = "k1"
        secret_env = "SLACK_SECRET"
        [[sources]]
        name = "discord"
        kind = "discord"
        [[sources.keys]]
        id = "app"
        public_key = "\(signer.discordPublicKeyHex)"
        [[sources]]
        name = "github"
        kind = "github"
        [[sources.keys]]
        id = "k1"
        secret_env = "GITHUB_SECRET"
        [[sources]]
        name = "std"
        kind = "standard_webhooks"
        principal = "bot"
        [[sources.keys]]
        id = "k1"
        secret_env = "STD_SECRET"
        [[sources]]
        name = "notify"
        kind = "strait"
        principal = "bot"
        [[sources.keys]]
        id = "k1"
        secret_env = "NOTIFY_SECRET"
        [sources.auto_replay]
        max_replays_per_run = 100
        cooldown = "0s"

        """
    }

    private static func printTail(of path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(30).joined(separator: "\n")
        FileHandle.standardError.write(Data("--- replayd log (last 30 lines) ---\n\(tail)\n".utf8))
    }
}
