import Testing
import Webhooks

struct DiscordInteractionTests {
    /// Discord's documented guild interaction sample, with the `/replay run` subcommand as data.
    static func guildCommand(options: String, name: String = "replay") -> [UInt8] {
        Array(
            """
            {
                "type": 2,
                "token": "aW50ZXJhY3Rpb246MTA5NzYxMjM0NTY3ODkwOmZha2U",
                "member": {
                    "user": {"id": "53908232506183680", "username": "Mason", "global_name": "Mason",
                             "avatar": "a_d5efa99b3eeaa7dd43acca82f5692432", "discriminator": "0", "public_flags": 131141},
                    "roles": ["539082325061836999"], "premium_since": null, "permissions": "2147483647",
                    "pending": false, "nick": null, "mute": false, "joined_at": "2017-03-13T19:19:14.040000+00:00",
                    "deaf": false
                },
                "id": "786008729715212338",
                "application_id": "775799577604522054",
                "guild_id": "290926798626357999",
                "app_permissions": "442368",
                "guild_locale": "en-US",
                "locale": "en-US",
                "data": {"options": \(options), "type": 1, "name": "\(name)", "id": "771825006014889984"},
                "channel_id": "645027906669510667",
                "version": 1
            }
            """.utf8
        )
    }

    @Test func parsesAPing() throws {
        let body =
            #"{"type":1,"id":"786008729715212338","application_id":"775799577604522054","token":"tok","version":1}"#
        let interaction = try DiscordInteraction.parse(Array(body.utf8))
        #expect(interaction.kind == .ping)
        #expect(interaction.userID == nil)
        #expect(interaction.identity == nil)
        #expect(throws: WebhookPayloadError.self) { try interaction.replayCommand() }
    }

    @Test func parsesTheRunSubcommand() throws {
        let options = """
            [{"type": 1, "name": "run", "options": [
                {"type": 3, "name": "run", "value": "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b"},
                {"type": 4, "name": "from", "value": 3},
                {"type": 5, "name": "force", "value": true}]}]
            """
        let interaction = try DiscordInteraction.parse(Self.guildCommand(options: options))
        #expect(interaction.kind == .applicationCommand)
        #expect(interaction.id == "786008729715212338")
        #expect(interaction.deliveryID == "786008729715212338")
        #expect(interaction.applicationID == "775799577604522054")
        #expect(interaction.guildID == "290926798626357999")
        #expect(interaction.channelID == "645027906669510667")
        #expect(interaction.userID == "53908232506183680")
        #expect(interaction.userName == "Mason")
        #expect(interaction.identity == "290926798626357999/53908232506183680")
        #expect(interaction.commandName == "replay")
        #expect(
            try interaction.replayCommand()
                == .replay(runID: "0197a1c2-3d4e-7f00-8a1b-2c3d4e5f6a7b", fromCheckpoint: 3, force: true)
        )
    }

    @Test func descriptionNeverShowsTheToken() throws {
        let interaction = try DiscordInteraction.parse(Self.guildCommand(options: "[]"))
        #expect(interaction.token == "aW50ZXJhY3Rpb246MTA5NzYxMjM0NTY3ODkwOmZha2U")
        #expect(!"\(interaction)".contains(interaction.token))
        #expect("\(interaction)".contains("786008729715212338"))
    }

    @Test func statusAndHelpSubcommands() throws {
        let status = try DiscordInteraction.parse(
            Self.guildCommand(
                options: #"[{"type":1,"name":"status","options":[{"type":3,"name":"key","value":"discord:7860"}]}]"#
            )
        )
        #expect(try status.replayCommand() == .status(key: "discord:7860"))
        let help = try DiscordInteraction.parse(Self.guildCommand(options: #"[{"type":1,"name":"help"}]"#))
        #expect(try help.replayCommand() == .help)
    }

    @Test func flatRegistrationIsUnderstoodToo() throws {
        let flat = try DiscordInteraction.parse(
            Self.guildCommand(options: #"[{"type":3,"name":"run","value":"r-9"},{"type":4,"name":"from","value":2}]"#)
        )
        #expect(try flat.replayCommand() == .replay(runID: "r-9", fromCheckpoint: 2, force: false))
        let none = try DiscordInteraction.parse(Self.guildCommand(options: "[]"))
        #expect(try none.replayCommand() == .help)
        let key = try DiscordInteraction.parse(Self.guildCommand(options: #"[{"type":3,"name":"key","value":"k"}]"#))
        #expect(try key.replayCommand() == .status(key: "k"))
    }

    @Test func directMessagesUseUserAndNoGuild() throws {
        let body = """
            {"type":2,"id":"786008729715212339","application_id":"775799577604522054","token":"t",
             "user":{"id":"53908232506183680","username":"Mason"},"channel_id":"645027906669510667",
             "data":{"type":1,"name":"replay","options":[{"type":1,"name":"help"}]}}
            """
        let interaction = try DiscordInteraction.parse(Array(body.utf8))
        #expect(interaction.guildID == nil)
        #expect(interaction.identity == "53908232506183680")
    }

    @Test(arguments: [
        (#"[{"type":1,"name":"run","options":[{"type":4,"name":"run","value":5}]}]"#, "data.options[0].options[0]"),
        (
            #"[{"type":1,"name":"run","options":[{"type":3,"name":"run","value":"a/b"}]}]"#,
            "data.options[0].options.run"
        ),
        (
            #"[{"type":1,"name":"run","options":[{"type":3,"name":"run","value":"r"},{"type":4,"name":"from","value":0}]}]"#,
            "data.options[0].options.from"
        ),
        (
            #"[{"type":1,"name":"run","options":[{"type":3,"name":"runid","value":"r"}]}]"#,
            "data.options[0].options[0].name"
        ),
        (#"[{"type":1,"name":"run","options":[]}]"#, "data.options[0].options.run"),
        (#"[{"type":1,"name":"purge"}]"#, "data.options[0].name"),
        (
            #"[{"type":1,"name":"help","options":[{"type":3,"name":"x","value":"y"}]}]"#,
            "data.options[0].options[0].name"
        ),
    ])
    func badOptionsNameTheField(options: String, field: String) throws {
        let interaction = try DiscordInteraction.parse(Self.guildCommand(options: options))
        let error = try #require(throws: WebhookPayloadError.self) { try interaction.replayCommand() }
        #expect(error.field == field)
        #expect(error.message.hasPrefix(field))
    }

    @Test func anotherCommandNameIsRefused() throws {
        let interaction = try DiscordInteraction.parse(Self.guildCommand(options: "[]", name: "cardsearch"))
        let error = try #require(throws: WebhookPayloadError.self) { try interaction.replayCommand() }
        #expect(error.code == .invalidCommand)
        #expect(error.field == "data.name")
        #expect(try interaction.replayCommand(expectedName: "cardsearch") == .help)
    }

    @Test func componentInteractionsAreUnsupported() throws {
        let body = #"{"type":3,"id":"1","application_id":"2","token":"t","data":{"custom_id":"x","component_type":2}}"#
        let error = try #require(throws: WebhookPayloadError.self) { try DiscordInteraction.parse(Array(body.utf8)) }
        #expect(error.code == .unsupportedEvent)
    }

    @Test(arguments: [
        (#"{"type":2,"application_id":"2","token":"t"}"#, "id", WebhookPayloadError.Code.missingField),
        (#"{"type":2,"id":1,"application_id":"2","token":"t"}"#, "id", .invalidField),
        (#"{"type":2,"id":"x1","application_id":"2","token":"t"}"#, "id", .invalidField),
        (#"{"type":2,"id":"1","application_id":"2"}"#, "token", .missingField),
        (
            #"{"type":2,"id":"1","application_id":"2","token":"t","data":{"name":"replay"}}"#, "member.user",
            .missingField
        ),
        (#"{"type":2,"id":"1","application_id":"2","token":"t","user":{"id":"3"}}"#, "data", .missingField),
        (#"{"type":"2","id":"1","application_id":"2","token":"t"}"#, "type", .invalidField),
    ])
    func envelopeErrorsNameTheField(body: String, field: String, code: WebhookPayloadError.Code) throws {
        let error = try #require(throws: WebhookPayloadError.self) { try DiscordInteraction.parse(Array(body.utf8)) }
        #expect(error.field == field)
        #expect(error.code == code)
    }
}
