import Foundation
import Testing
import Webhooks

struct SlackRequestTests {
    /// A slash command body in the shape of Slack's documentation sample, for `/replay RUN from=3 force`.
    static let slashBody =
        "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0001&team_domain=example&enterprise_id=E0001"
        + "&enterprise_name=Globular%20Construct%20Inc&channel_id=C2147483705&channel_name=test"
        + "&user_id=U2147483697&user_name=Steve&command=%2Freplay"
        + "&text=0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b+from%3D3+force"
        + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1234%2F5678"
        + "&trigger_id=13345224609.738474920.8088930838d88f008e0&api_app_id=A123456"

    @Test func parsesADocumentedSlashCommand() throws {
        let request = try SlackRequest.parse(Array(Self.slashBody.utf8))
        guard case .slashCommand(let command) = request else {
            Issue.record("expected a slash command, got \(request)")
            return
        }
        #expect(command.teamID == "T0001")
        #expect(command.teamDomain == "example")
        #expect(command.enterpriseID == "E0001")
        #expect(command.userID == "U2147483697")
        #expect(command.userName == "Steve")
        #expect(command.channelID == "C2147483705")
        #expect(command.channelName == "test")
        #expect(command.command == "/replay")
        #expect(command.text == "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b from=3 force")
        #expect(command.responseURL == "https://hooks.slack.com/commands/1234/5678")
        #expect(command.triggerID == "13345224609.738474920.8088930838d88f008e0")
        #expect(command.apiAppID == "A123456")
        #expect(command.deliveryID == command.triggerID)
        #expect(command.identity == "T0001/U2147483697")
        #expect(
            try command.replayCommand()
                == .replay(runID: "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b", fromCheckpoint: 3, force: true)
        )
    }

    @Test func descriptionLeavesOutTheResponseURLAndLegacyToken() throws {
        let command = try SlackSlashCommand.parse(Array(Self.slashBody.utf8))
        let text = "\(command)"
        #expect(text.contains("T0001"))
        #expect(!text.contains("hooks.slack.com"))
        #expect(!text.contains("gIkuvaNzQIHg97ATvDxqgjtO"))
        #expect(!"\(command.hashValue)".isEmpty)
    }

    @Test func emptyTextMeansHelp() throws {
        let body = Self.slashBody.replacingText(with: "")
        let command = try SlackSlashCommand.parse(Array(body.utf8))
        #expect(command.text.isEmpty)
        #expect(try command.replayCommand() == .help)
    }

    @Test func plusIsASpaceAndPercentEscapesAreUTF8() throws {
        let body = Self.slashBody.replacingText(with: "status+caf%C3%A9%2Bkey")
        let command = try SlackSlashCommand.parse(Array(body.utf8))
        #expect(command.text == "status café+key")
    }

    @Test(arguments: ["team_id", "user_id", "channel_id", "command", "response_url", "trigger_id"])
    func requiredFieldsAreNamedWhenMissing(field: String) throws {
        let body = Self.slashBody.split(separator: "&").filter { !$0.hasPrefix("\(field)=") }.joined(separator: "&")
        let error = try #require(throws: WebhookPayloadError.self) { try SlackRequest.parse(Array(body.utf8)) }
        #expect(error.code == .missingField)
        #expect(error.field == field)
        #expect(error.message.contains(field))
    }

    @Test func responseURLMustBeHTTPSAndIsNeverEchoed() throws {
        let body = Self.slashBody.replacingOccurrences(
            of: "https%3A%2F%2Fhooks.slack.com",
            with: "http%3A%2F%2Fhooks.slack.com"
        )
        let error = try #require(throws: WebhookPayloadError.self) { try SlackRequest.parse(Array(body.utf8)) }
        #expect(error.code == .invalidField)
        #expect(error.field == "response_url")
        #expect(!error.message.contains("hooks.slack.com"))
    }

    @Test func idsMustBeSlackIDs() throws {
        let body = Self.slashBody.replacingOccurrences(of: "user_id=U2147483697", with: "user_id=U2147%2F483697")
        let error = try #require(throws: WebhookPayloadError.self) { try SlackRequest.parse(Array(body.utf8)) }
        #expect(error.field == "user_id")
    }

    @Test func malformedFormBodiesAreRefused() throws {
        for body in ["team_id=T1&text=%ZZ", "team_id=T1&text=%E9", "team_id=T1&text=%4"] {
            let error = try #require(throws: WebhookPayloadError.self) { try SlackRequest.parse(Array(body.utf8)) }
            #expect(error.code == .malformedBody, "body \(body)")
        }
    }

    @Test func recognisesTheEventsAPIHandshake() throws {
        let body = #"""
            {"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}
            """#
        #expect(
            try SlackRequest.parse(Array(body.utf8))
                == .urlVerification(challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
        )
    }

    @Test func otherEventsAPIBodiesAreUnsupported() throws {
        let body = #"{"type":"event_callback","event_id":"Ev0PV52K21","event":{"type":"app_mention"}}"#
        let error = try #require(throws: WebhookPayloadError.self) { try SlackRequest.parse(Array(body.utf8)) }
        #expect(error.code == .unsupportedEvent)
        #expect(error.field == "type")
    }

    @Test func challengeMustBeAShortToken() throws {
        let long = String(repeating: "a", count: 513)
        let body = #"{"type":"url_verification","challenge":"\#(long)"}"#
        #expect(throws: WebhookPayloadError.self) { try SlackRequest.parse(Array(body.utf8)) }
        let number = #"{"type":"url_verification","challenge":42}"#
        let error = try #require(throws: WebhookPayloadError.self) { try SlackRequest.parse(Array(number.utf8)) }
        #expect(error.message == "challenge: expected a string, got an integer")
    }
}

extension String {
    fileprivate func replacingText(with text: String) -> String {
        split(separator: "&").map { $0.hasPrefix("text=") ? "text=\(text)" : String($0) }.joined(separator: "&")
    }
}
