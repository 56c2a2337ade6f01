import Foundation
import Testing

/// Every `replayd` subcommand's `--help` ends with examples.
@Suite struct ReplaydHelpEndToEndTests {
    @Test(arguments: [
        ["serve"], ["simulate"], ["config", "check"], ["doctor"], ["audit"], ["audit", "verify"], ["audit", "tail"],
        ["audit", "hash-value"],
    ])
    func everySubcommandsHelpHasExamples(command: [String]) async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let help = try await harness.replayd(command + ["--help"])
        #expect(help.status == 0, "\(command): \(help.stderr)")
        #expect(help.stdout.contains("Examples:"), "replayd \(command.joined(separator: " ")) --help has no examples")
        #expect(help.stdout.contains("replayd \(command.first ?? "")"), "the examples use the command")
    }
}
