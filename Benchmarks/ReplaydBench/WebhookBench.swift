import ArgumentParser
import Curl
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Webhook doors: verified deliveries per second per signature scheme (in-process, one core), and ack latency
/// per sender kind under load, end to end through `replayd serve`.
struct WebhookBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Webhook verifications/s per scheme (one core), and ack latency per sender kind under load."
    )

    /// Which measurement to run.
    enum Part: String, ExpressibleByArgument, CaseIterable {
        case verify, ack
    }

    @Option(help: "Path to the replayd binary (for the ack latency part).") var replayd: String?
    @Option(help: "Run only this part: verify or ack.") var only: Part?
    @Option(help: "Timed verifications per HMAC scheme.") var hmacVerifications = 200_000
    @Option(help: "Timed verifications per Ed25519 scheme.") var ed25519Verifications = 20_000
    @Option(help: "Body size for the verification part, in bytes.") var bodyBytes = 1024
    @Option(help: "Measured deliveries per sender kind.") var requests = 500
    @Option(help: "Concurrent clients.") var concurrency = 16
    @Option(help: "Unmeasured deliveries per sender kind before measuring it.") var warmup = 20
    @Option(help: "replayd's log level during the run.") var logLevel = "warning"

    func validate() throws {
        guard hmacVerifications > 0, ed25519Verifications > 0, requests > 0, concurrency > 0, warmup >= 0 else {
            throw ValidationError("counts must be positive (--warmup may be 0)")
        }
        if only != .verify && replayd == nil {
            throw ValidationError("--replayd is needed for the ack latency part (or pass --only verify)")
        }
    }

    func run() async throws {
        if only != .ack { try verify() }
        if only == nil { print("") }
        if only != .verify, let replayd { try await ack(replayd: replayd) }
    }

    private func verify() throws {
        let signer = WebhookBenchSigner.random()
        var rows: [WebhookVerifyThroughput] = []
        print("| scheme | body bytes | verifications | seconds | verifications/s | µs each |")
        print("|---|---|---|---|---|---|")
        for scheme in WebhookBenchScheme.allCases {
            let count = scheme.isEd25519 ? ed25519Verifications : hmacVerifications
            let row = try WebhookVerifyThroughput.measure(scheme, count: count, signer: signer, bodyBytes: bodyBytes)
            rows.append(row)
            print(
                "| \(scheme.label) | \(row.bodyBytes) | \(row.count) | \(String(format: "%.2f", row.elapsed.seconds)) | "
                    + "\(Int(row.perSecond)) | \(String(format: "%.2f", row.microseconds)) |"
            )
        }
        Self.printJSON([
            "bench": "webhooks_verify",
            "results": rows.map { row in
                [
                    "scheme": row.scheme.rawValue, "body_bytes": row.bodyBytes, "verifications": row.count,
                    "seconds": row.elapsed.seconds, "per_second": row.perSecond.rounded(),
                ] as [String: Any]
            },
        ])
    }

    private func ack(replayd: String) async throws {
        signal(SIGPIPE, SIG_IGN)
        try CurlRuntime.initialize()
        let results = try await WebhookAckLoad(
            replayd: replayd,
            requests: requests,
            concurrency: concurrency,
            warmup: warmup,
            logLevel: logLevel
        ).run()
        func ms(_ microseconds: Double) -> String { String(format: "%.2f", microseconds / 1000) }
        print(
            "| sender | deliveries | clients | deliveries/s | p50 ms | p99 ms | max ms | non-2xx | answers | replays upstream "
                + "| follow-ups |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for result in results {
            let l = result.latency
            let answers = result.statuses.sorted { $0.key < $1.key }.map { "\($0.value)×\($0.key)" }
            print(
                "| \(result.kind.rawValue) | \(l.count) | \(concurrency) | \(Int(result.perSecond)) | \(ms(l.p50)) | \(ms(l.p99)) | \(ms(l.max)) | "
                    + "\(result.non2xx) | \(answers.joined(separator: " ")) | "
                    + "\(result.replaysUpstream)/\(result.sent) | "
                    + (result.followUps.map { "\($0)/\(result.sent)" } ?? "–") + " |"
            )
        }
        for result in results {
            if let failure = result.firstFailure {
                FileHandle.standardError.write(Data("\(result.kind.rawValue) first non-2xx: \(failure)\n".utf8))
            }
        }
        Self.printJSON([
            "bench": "webhooks_ack",
            "concurrency": concurrency,
            "warmup": warmup,
            "results": results.map { result in
                [
                    "kind": result.kind.rawValue, "deliveries": result.latency.count,
                    "per_second": result.perSecond.rounded(),
                    "p50_ms": Self.milliseconds(result.latency.p50), "p99_ms": Self.milliseconds(result.latency.p99),
                    "max_ms": Self.milliseconds(result.latency.max), "non_2xx": result.non2xx,
                    "statuses": Dictionary(uniqueKeysWithValues: result.statuses.map { (String($0.key), $0.value) }),
                    "replays_upstream": result.replaysUpstream, "sent": result.sent,
                    "follow_ups": result.followUps ?? NSNull(),
                ] as [String: Any]
            },
        ])
    }

    /// Microseconds as milliseconds, to the microsecond.
    private static func milliseconds(_ microseconds: Double) -> Double {
        microseconds.rounded() / 1000
    }

    private static func printJSON(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        print(String(decoding: data, as: UTF8.self))
    }
}
