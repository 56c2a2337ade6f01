import Foundation
import Testing
import Webhooks

struct GitHubEventTests {
    static func headers(event: String) -> [(name: String, value: String)] {
        [
            ("Request-URL", "/hooks/github"),
            ("User-Agent", "GitHub-Hookshot/044aadd"),
            ("Content-Type", "application/json"),
            ("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
            ("X-GitHub-Event", event),
            ("X-GitHub-Hook-ID", "292430182"),
            ("X-GitHub-Hook-Installation-Target-ID", "79929171"),
            ("X-GitHub-Hook-Installation-Target-Type", "repository"),
            ("X-Hub-Signature-256", "sha256=d57c68ca6f92289e6987922ff26938930f6e66a2d161ef06abdf1859230aa23c"),
        ]
    }

    /// An `issue_comment` payload trimmed from GitHub's documented example (on a pull request).
    static func issueComment(body: String, action: String = "created") -> [UInt8] {
        let escaped = String(decoding: WebhookJSONValue.string(body).serialized(), as: UTF8.self)
        return Array(
            """
            {
              "action": "\(action)",
              "issue": {
                "url": "https://api.github.com/repos/octo-org/billing/issues/1347",
                "id": 1, "number": 1347, "title": "Nightly invoice job fails", "state": "open",
                "user": {"login": "octocat", "id": 1, "type": "User"},
                "pull_request": {"url": "https://api.github.com/repos/octo-org/billing/pulls/1347"}
              },
              "comment": {
                "url": "https://api.github.com/repos/octo-org/billing/issues/comments/1146825250",
                "html_url": "https://github.com/octo-org/billing/pull/1347#issuecomment-1146825250",
                "id": 1146825250, "node_id": "IC_kwDOAbcd",
                "user": {"login": "mona", "id": 583231, "type": "User"},
                "created_at": "2026-05-01T12:00:00Z", "author_association": "MEMBER",
                "body": \(escaped)
              },
              "repository": {"id": 1296269, "name": "billing", "full_name": "octo-org/billing", "private": true},
              "sender": {"login": "mona", "id": 583231, "type": "User"}
            }
            """.utf8
        )
    }

    @Test func pingIsRecognisedWithItsDeliveryIdentity() throws {
        let body = """
            {"zen":"Keep it logically awesome.","hook_id":292430182,
             "hook":{"type":"Repository","id":292430182,"name":"web","active":true,"events":["issue_comment"],
                     "config":{"content_type":"json","insecure_ssl":"0","url":"https://replayd.example.com/hooks/github"}},
             "repository":{"full_name":"octo-org/billing"},"sender":{"login":"octocat"}}
            """
        let event = try GitHubEvent.parse(headers: Self.headers(event: "ping"), body: Array(body.utf8))
        #expect(event.kind == .ping(zen: "Keep it logically awesome."))
        #expect(event.event == "ping")
        #expect(event.deliveryID == "292430182:72d3162e-cc78-11e3-81ab-4c9367dc0958")
    }

    @Test func headerNamesAreCaseInsensitive() throws {
        let lowered = Self.headers(event: "ping").map { (name: $0.name.lowercased(), value: $0.value) }
        let event = try GitHubEvent.parse(headers: lowered, body: Array(#"{"zen":"z"}"#.utf8))
        #expect(event.hookID == "292430182")
    }

    @Test func issueCommentCommandsAreReadLineByLine() throws {
        let text = """
            The nightly run failed again, replaying both:

            /replay 0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b
               /replay run-2 from=4 force\r
            /replayed run-3 last week (not a command)
            > /replay run-quoted
            ```
            /replay run-in-code
            ```
            /replay 0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b
            """
        let event = try GitHubEvent.parse(
            headers: Self.headers(event: "issue_comment"),
            body: Self.issueComment(body: text)
        )
        guard case .issueComment(let comment) = event.kind else {
            Issue.record("expected an issue comment, got \(event.kind)")
            return
        }
        #expect(comment.repository == "octo-org/billing")
        #expect(comment.issueNumber == 1347)
        #expect(comment.isPullRequest)
        #expect(comment.commentID == 1_146_825_250)
        #expect(comment.author == "mona")
        #expect(comment.authorType == "User")
        #expect(
            try comment.replayCommands() == [
                .replay(runID: "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b", fromCheckpoint: nil, force: false),
                .replay(runID: "run-2", fromCheckpoint: 4, force: true),
            ]
        )
    }

    @Test func aCommentWithoutCommandsHasNone() throws {
        let event = try GitHubEvent.parse(
            headers: Self.headers(event: "issue_comment"),
            body: Self.issueComment(body: "LGTM, thanks!")
        )
        guard case .issueComment(let comment) = event.kind else {
            Issue.record("expected an issue comment")
            return
        }
        #expect(try comment.replayCommands().isEmpty)
    }

    @Test(arguments: ["/replay status k1", "/replay help", "/replay"])
    func onlyReplayIsAllowedFromGitHub(line: String) throws {
        let comment = GitHubIssueComment(repository: "o/r", issueNumber: 1, author: "mona", body: "hi\n\(line)")
        let error = try #require(throws: WebhookPayloadError.self) { try comment.replayCommands() }
        #expect(error.code == .commandNotAllowed)
        #expect(error.field == "comment.body line 2")
    }

    @Test func parseErrorsNameTheLine() throws {
        let comment = GitHubIssueComment(repository: "o/r", issueNumber: 1, author: "mona", body: "\n\n/replay a/b")
        let error = try #require(throws: WebhookPayloadError.self) { try comment.replayCommands() }
        #expect(error.code == .invalidRunID)
        #expect(error.message.hasPrefix("comment.body line 3: run id \"a/b\""))
    }

    @Test func atMostTenCommandsPerComment() throws {
        let ten = (1...10).map { "/replay run-\($0)" }.joined(separator: "\n")
        let fine = GitHubIssueComment(repository: "o/r", issueNumber: 1, author: "mona", body: ten)
        #expect(try fine.replayCommands().count == 10)
        let eleven = GitHubIssueComment(
            repository: "o/r",
            issueNumber: 1,
            author: "mona",
            body: ten + "\n/replay run-11"
        )
        let error = try #require(throws: WebhookPayloadError.self) { try eleven.replayCommands() }
        #expect(error.code == .tooManyCommands)
    }

    @Test func editedCommentsAndOtherEventsAreIgnored() throws {
        let edited = try GitHubEvent.parse(
            headers: Self.headers(event: "issue_comment"),
            body: Self.issueComment(body: "/replay run-1", action: "edited")
        )
        guard case .ignored(let reason) = edited.kind else {
            Issue.record("expected ignored")
            return
        }
        #expect(reason.contains("edited"))
        // Other events are ignored without reading the body, even one that is not JSON.
        let push = try GitHubEvent.parse(headers: Self.headers(event: "push"), body: Array("not json".utf8))
        #expect(push.kind == .ignored(reason: "event \"push\" is not acted on"))
    }

    @Test func formEncodedPayloadsAreUnderstood() throws {
        let json = String(decoding: Self.issueComment(body: "/replay run-7"), as: UTF8.self)
        let form = "payload=" + (json.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        let event = try GitHubEvent.parse(headers: Self.headers(event: "issue_comment"), body: Array(form.utf8))
        guard case .issueComment(let comment) = event.kind else {
            Issue.record("expected an issue comment")
            return
        }
        #expect(try comment.replayCommands() == [.replay(runID: "run-7", fromCheckpoint: nil, force: false)])
    }

    @Test(arguments: ["X-GitHub-Event", "X-GitHub-Delivery", "X-GitHub-Hook-ID"])
    func identityHeadersAreRequired(header: String) throws {
        let headers = Self.headers(event: "ping").filter { $0.name != header }
        let error = try #require(throws: WebhookPayloadError.self) {
            try GitHubEvent.parse(headers: headers, body: Array(#"{"zen":"z"}"#.utf8))
        }
        #expect(error.code == .missingField)
        #expect(error.field == header)
    }

    @Test func senderLoginIsTheFallbackAuthor() throws {
        let body = """
            {"action":"created","issue":{"number":5},"comment":{"id":9,"body":"/replay r"},
             "repository":{"full_name":"o/r"},"sender":{"login":"hubot"}}
            """
        let event = try GitHubEvent.parse(headers: Self.headers(event: "issue_comment"), body: Array(body.utf8))
        guard case .issueComment(let comment) = event.kind else {
            Issue.record("expected an issue comment")
            return
        }
        #expect(comment.author == "hubot")
        #expect(!comment.isPullRequest)
    }

    @Test func missingCommentFieldsAreNamed() throws {
        let body = #"{"action":"created","issue":{"number":5},"comment":{"id":9,"body":"x","user":{"login":"m"}}}"#
        let error = try #require(throws: WebhookPayloadError.self) {
            try GitHubEvent.parse(headers: Self.headers(event: "issue_comment"), body: Array(body.utf8))
        }
        #expect(error.field == "repository.full_name")
    }
}
