import Foundation
import Testing

/// `docs/replayctl.md` and the README's replayctl section each list exactly the flags each command's `--help`
/// shows, and every environment variable replayctl reads.
@Suite struct ReplayctlDocsEndToEndTests {
    /// The documents checked, relative to the repository.
    static let documents = ["docs/replayctl.md", "README.md"]

    private static func path(_ document: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(document).path
    }

    /// The README's replayctl section (up to the next `## ` heading), or the whole of `docs/replayctl.md`.
    private static func text(_ document: String) throws -> String {
        let whole = try String(contentsOfFile: path(document), encoding: .utf8)
        guard document == "README.md" else { return whole }
        guard let start = whole.range(of: "### `replayctl`\n") else { return "" }
        let rest = whole[start.lowerBound...]
        let end = rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    /// The long flags (`--name`) in `text`.
    private static func flags(_ text: Substring) -> Set<String> {
        var found: Set<String> = []
        var rest = text[...]
        while let range = rest.range(of: "--") {
            let name = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" }
            if let first = name.first, first.isLetter { found.insert("--" + name) }
            rest = rest[range.upperBound...]
        }
        return found
    }

    /// The text of the `### \`replayctl NAME\`` section, or of `## Common options`.
    private static func section(_ doc: String, heading: String) -> Substring {
        guard let start = doc.range(of: heading) else { return "" }
        let after = doc[start.upperBound...]
        let end = after.range(of: "\n#")?.lowerBound ?? after.endIndex
        return after[..<end]
    }

    /// The arguments of `replayctl COMMAND --help`, where `command` may name a subcommand (`audit tail`).
    private static func helpArguments(_ command: String) -> [String] {
        command.split(separator: " ").map(String.init) + ["--help"]
    }

    /// The option lines of `replayctl COMMAND --help`.
    private static func helpFlags(_ harness: EndToEndHarness, _ command: String) async throws -> Set<String> {
        let help = try await harness.replayctl(helpArguments(command))
        #expect(help.status == 0)
        let options = help.stdout.components(separatedBy: "\n").filter {
            $0.trimmingCharacters(in: .whitespaces).hasPrefix("-")
        }
        return flags(options.joined(separator: "\n")[...]).subtracting(["--help", "--version"])
    }

    /// Every replayctl command that has options or a section of its own; a command group is listed by its
    /// subcommands (`audit tail`, `token create`, …).
    static let commands = [
        "replay", "explain", "show", "pending", "history", "resolve", "audit tail", "ping", "status", "pause",
        "resume", "reload", "version", "token create", "token list", "token revoke",
    ]

    @Test(arguments: commands, documents)
    func theDocsListEveryFlagOfTheCommandAndNoOther(command: String, document: String) async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let doc = try Self.text(document)
        let common = Self.flags(Self.section(doc, heading: "## Common options"))
        let own = Self.section(doc, heading: "### `replayctl \(command)`")
        #expect(!own.isEmpty, "no section for \(command) in \(document)")
        let ownTable = own.components(separatedBy: "\n").filter { $0.hasPrefix("| `-") }.joined(separator: "\n")
        let documented = common.union(Self.flags(ownTable[...]))
        let shown = try await Self.helpFlags(harness, command)
        #expect(shown.subtracting(documented).isEmpty, "undocumented: \(shown.subtracting(documented).sorted())")
        #expect(
            Self.flags(ownTable[...]).subtracting(shown).isEmpty,
            "documented but not in --help: \(Self.flags(ownTable[...]).subtracting(shown).sorted())"
        )
        let help = try await harness.replayctl(Self.helpArguments(command))
        #expect(help.stdout.contains("Examples:"), "\(command) --help has no examples")
    }

    /// Every subcommand `replayctl --help` lists is checked above, so a new command cannot go undocumented.
    @Test func everyCommandOfTheHelpIsChecked() async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let help = try await harness.replayctl(["--help"])
        #expect(help.status == 0)
        let lines = help.stdout.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("SUBCOMMANDS:") })
        // A subcommand's line starts with two spaces and its name; its wrapped abstract is indented further.
        let listed = lines[(start + 1)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
            .filter { $0 != "help" }
        #expect(listed.count >= 14, "subcommands: \(listed)")
        let checked = Set(Self.commands.map { String($0.split(separator: " ")[0]) })
        #expect(Set(listed).subtracting(checked).isEmpty, "not checked: \(Set(listed).subtracting(checked).sorted())")
    }

    @Test(arguments: documents)
    func theDocsListEveryEnvironmentVariable(document: String) async throws {
        let harness = try EndToEndHarness()
        defer { harness.cleanUp() }
        let doc = try Self.text(document)
        let environment = Self.section(doc, heading: "## Environment")
        let help = try await harness.replayctl(["--help"])
        for variable in ["REPLAYD_SOCKET", "REPLAYCTL_OUTPUT", "NO_COLOR"] {
            #expect(environment.contains("`\(variable)`"))
            #expect(help.stdout.contains(variable))
        }
    }
}
