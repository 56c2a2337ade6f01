import Foundation

/// A new comment on a GitHub issue or pull request, and the `/replay` commands in it.
public struct GitHubIssueComment: Sendable, Hashable {
    /// The most commands one comment may carry.
    public static let maxCommands = 10

    /// `repository.full_name`, such as `octo-org/billing`.
    public var repository: String
    /// `issue.number`.
    public var issueNumber: Int
    /// Whether the issue is a pull request (`issue.pull_request` is present).
    public var isPullRequest: Bool
    /// `comment.id`, when sent.
    public var commentID: Int64?
    /// The author: `comment.user.login`, else `sender.login`. Logins are what operators list in `github_users`.
    public var author: String
    /// `comment.user.type` (`User`, `Bot`, `Organization`), when sent.
    public var authorType: String?
    /// `comment.body`, the Markdown text.
    public var body: String

    /// Creates a comment.
    public init(
        repository: String,
        issueNumber: Int,
        isPullRequest: Bool = false,
        commentID: Int64? = nil,
        author: String,
        authorType: String? = nil,
        body: String
    ) {
        self.repository = repository
        self.issueNumber = issueNumber
        self.isPullRequest = isPullRequest
        self.commentID = commentID
        self.author = author
        self.authorType = authorType
        self.body = body
    }

    /// Reads an `issue_comment` body.
    init(json: WebhookJSONValue) throws(WebhookPayloadError) {
        guard let comment = json["comment"], comment.objectValue != nil else { throw .missing("comment") }
        guard let bodyValue = comment["body"] else { throw .missing("comment.body") }
        switch bodyValue {
        case .string(let text): body = text
        case .null: body = ""
        default: throw .wrongType("comment.body", expected: "a string", got: bodyValue)
        }
        let login = comment["user"]?["login"]?.stringValue ?? json["sender"]?["login"]?.stringValue
        guard let login, !login.isEmpty else { throw .missing("comment.user.login") }
        guard login.utf8.count <= 100, login.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalid("comment.user.login", "is not a GitHub login")
        }
        author = login
        authorType = comment["user"]?["type"]?.stringValue
        commentID = comment["id"]?.integerValue
        guard let fullName = json["repository"]?["full_name"]?.stringValue, !fullName.isEmpty else {
            throw .missing("repository.full_name")
        }
        repository = fullName
        guard let issue = json["issue"], issue.objectValue != nil else { throw .missing("issue") }
        guard let number = issue["number"]?.integerValue, let issueNumber = Int(exactly: number), issueNumber > 0 else {
            throw .missing("issue.number")
        }
        self.issueNumber = issueNumber
        isPullRequest = issue["pull_request"].map { !$0.isNull } ?? false
    }

    /// The replay commands in the comment, in order, exact duplicates removed.
    ///
    /// A command is a line whose first word, after trimming, is `/replay`. Lines inside fenced code blocks
    /// (```` ``` ```` or `~~~`) and quoted lines (`> /replay …`, as when someone quotes an earlier comment) are
    /// not commands. GitHub may only replay: `status`, `help` and a bare `/replay` are refused.
    ///
    /// - Returns: an empty array when the comment has no command.
    /// - Throws: `too_many_commands` above ``maxCommands``; `command_not_allowed`; the parser's errors, with the
    ///   field naming the line (`comment.body line 3`).
    public func replayCommands() throws(WebhookPayloadError) -> [ReplayCommand] {
        var commands: [ReplayCommand] = []
        var fence: Substring?
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (offset, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if let open = fence {
                if line.hasPrefix(open) { fence = nil }
                continue
            }
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                fence = line.prefix(3)
                continue
            }
            let words = line.split(whereSeparator: \.isWhitespace)
            guard words.first == "/replay" else { continue }
            let field = "comment.body line \(offset + 1)"
            let rest = line.dropFirst("/replay".count)
            let command = try ReplayCommandParser.parse(String(rest), field: field)
            guard case .replay = command else {
                throw WebhookPayloadError(
                    code: .commandNotAllowed,
                    field: field,
                    message: "\(field): only \"/replay RUN [from=N] [force]\" may be used from GitHub"
                )
            }
            if !commands.contains(command) { commands.append(command) }
            guard commands.count <= Self.maxCommands else {
                throw WebhookPayloadError(
                    code: .tooManyCommands,
                    field: "comment.body",
                    message: "comment.body: more than \(Self.maxCommands) /replay commands in one comment"
                )
            }
        }
        return commands
    }
}
