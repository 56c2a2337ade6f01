import Foundation
import Webhooks

/// The deliveries each sender makes: body and headers in the sender's wire format, signed, and unique per `index`
/// so that none is a duplicate the door would answer from its dedup store.
enum WebhookBenchPayloads {
    /// A signed `/replay <runID>` (or, for Standard Webhooks and Strait, a notification naming `runID`) from a
    /// `kind` sender.
    ///
    /// - Parameters:
    ///   - index: makes every delivery id, trigger id and interaction id unique within a run.
    ///   - responseURL: Slack's `response_url` (plain http to loopback is accepted).
    ///   - padding: grow the body to at least this many bytes with a field the door ignores (`0`: as small as the
    ///     sender's real format allows).
    ///   - scheme: sign with this scheme of `kind` instead of the one its sender uses by default (Standard Webhooks
    ///     `v1a`).
    static func delivery(
        _ kind: WebhookSourceKind,
        index: Int,
        runID: String,
        signer: WebhookBenchSigner,
        timestamp: Int64,
        responseURL: String,
        padding: Int = 0,
        scheme: WebhookBenchScheme? = nil
    ) throws -> WebhookDelivery {
        let id: String
        let contentType: String
        var extra: [(name: String, value: String)] = []
        var body: String
        switch kind {
        case .slack:
            id = "bench.\(index)"
            contentType = "application/x-www-form-urlencoded"
            body =
                "team_id=T1&team_domain=bench&user_id=U1&user_name=alice&command=%2Freplay&text=\(runID)"
                + "&response_url=\(formEncoded(responseURL))&trigger_id=\(id)&channel_id=C1&channel_name=ops"
            let fill = padding - body.utf8.count - "&api_app_id=A1&enterprise_name=".utf8.count
            if fill > 0 {
                body += "&api_app_id=A1&enterprise_name=" + String(repeating: "x", count: fill)
            }
        case .discord:
            id = String(100_000_000_000 + index)
            contentType = "application/json"
            body =
                #"{"type":2,"id":"\#(id)","application_id":"1","token":"tok\#(index)","guild_id":"111","#
                + #""channel_id":"333","member":{"user":{"id":"222","username":"alice"}},"#
                + #""data":{"name":"replay","options":[{"name":"run","type":3,"value":"\#(runID)"}]},"locale":"en-US""#
        case .github:
            id = "0196f1c2-0000-7000-8000-" + String(format: "%012d", index)
            contentType = "application/json"
            extra = [("X-GitHub-Event", "issue_comment"), ("X-GitHub-Delivery", id), ("X-GitHub-Hook-ID", "1")]
            body =
                #"{"action":"created","comment":{"id":\#(index + 1),"body":"/replay \#(runID)","#
                + #""user":{"login":"octocat","type":"User"}},"issue":{"number":1,"title":"Nightly import failed"},"#
                + #""repository":{"full_name":"o/r"},"sender":{"login":"octocat"}"#
        case .standardWebhooks:
            id = "msg_bench_\(index)"
            contentType = "application/json"
            body = #"{"type":"run.failed","run_id":"\#(runID)""#
        case .strait:
            id = "dlv_bench_\(index)"
            contentType = "application/json"
            body =
                #"{"run_id":"\#(runID)","job_id":"job_ttl","project_id":"proj_demo","status":"failed","#
                + #""attempt":3,"error":"upstream returned 502","timestamp":"2026-11-29T16:00:00Z""#
        }
        if contentType == "application/json" {
            // Every JSON body above is an object still open at the end.
            let fill = padding - body.utf8.count - #","padding":""}"#.utf8.count
            body += (fill > 0 ? #","padding":""# + String(repeating: "x", count: fill) + #"""# : "") + "}"
        }
        let bytes = Array(body.utf8)
        let signature = try signer.signatureHeaders(
            scheme ?? WebhookBenchScheme.signing(kind),
            body: bytes,
            id: id,
            timestamp: timestamp
        )
        return WebhookDelivery(
            headers: [("Content-Type", contentType), ("User-Agent", "replayd-bench")] + extra + signature,
            body: bytes
        )
    }

    private static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
