import Foundation
import Testing

@testable import ReplayCore

/// `Secret` never shows its value; `SecretReference` loads from the environment or a private file.
@Suite struct ConfigSecretTests {
    private let value = "sk-test-0123456789"

    @Test func renderingsAreRedacted() throws {
        let secret = Secret(value, source: .environment("STRAIT_API_KEY"))
        #expect(secret.description == "<redacted>")
        #expect(String(describing: secret) == "<redacted>")
        #expect("\(secret)" == "<redacted>")
        #expect(secret.debugDescription == "Secret(<redacted>, from env STRAIT_API_KEY)")
        #expect(String(reflecting: Secret(value)) == "Secret(<redacted>)")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains(value))
        #expect(dumped.contains("<redacted>"))
        let mirrored = Mirror(reflecting: secret).children.map { "\($0.label ?? ""): \($0.value)" }
        #expect(!mirrored.joined().contains(value))
        let encoded = String(decoding: try JSONEncoder().encode(["key": secret]), as: UTF8.self)
        #expect(encoded == #"{"key":"<redacted>"}"#)
        #expect(secret.byteCount == value.utf8.count)
        #expect(secret.withUnsafeValue { $0 } == value)
    }

    @Test func decodingRefusesTheRedactedPlaceholder() throws {
        let decoded = try JSONDecoder().decode([String: Secret].self, from: Data(#"{"k":"abc"}"#.utf8))
        #expect(decoded["k"]?.withUnsafeValue { $0 } == "abc")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: Secret].self, from: Data(#"{"k":"<redacted>"}"#.utf8))
        }
    }

    @Test func environmentVariable() throws {
        let reference = SecretReference.environment("STRAIT_API_KEY")
        let secret = try reference.resolve(environment: ["STRAIT_API_KEY": value])
        #expect(secret.withUnsafeValue { $0 } == value)
        #expect(secret.source == reference)
    }

    @Test func environmentVariableMissingOrEmpty() {
        let reference = SecretReference.environment("STRAIT_API_KEY")
        #expect(throws: ConfigError.secret(nil, line: nil, "environment variable STRAIT_API_KEY is not set")) {
            try reference.resolve(environment: ["OTHER": "x"])
        }
        #expect(throws: ConfigError.secret(nil, line: nil, "environment variable STRAIT_API_KEY is empty")) {
            try reference.resolve(environment: ["STRAIT_API_KEY": ""])
        }
    }

    @Test func fileWithMode0600IsAccepted() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/strait.key"
            try writeFile(path, value + "\n", mode: 0o600)
            let secret = try SecretReference.file(path).resolve(environment: [:])
            #expect(secret.withUnsafeValue { $0 } == value)
            #expect(secret.source == .file(path))
            try writeFile(path, value, mode: 0o640)
            #expect(try SecretReference.file(path).resolve(environment: [:]).withUnsafeValue { $0 } == value)
            try writeFile(path, value, mode: 0o400)
            #expect(try SecretReference.file(path).resolve(environment: [:]).byteCount == value.utf8.count)
        }
    }

    @Test(arguments: [0o644, 0o604, 0o602, 0o601, 0o666, 0o777] as [mode_t])
    func fileReadableOrWritableByOthersIsRefused(_ mode: mode_t) throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/strait.key"
            try writeFile(path, value, mode: mode)
            let octal = "0" + String(mode, radix: 8)
            do throws(ConfigError) {
                _ = try SecretReference.file(path).resolve(environment: [:])
                Issue.record("accepted a file with mode \(octal)")
            } catch {
                #expect(error.code == .secret)
                #expect(
                    error.message
                        == "secret file \(path) has mode \(octal), so other users can read or write it; "
                        + "fix: chmod 600 \(path)"
                )
                #expect(!error.description.contains(value))
            }
        }
    }

    @Test func oneTrailingNewlineIsTrimmed() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/key"
            for (contents, expected) in [("abc\n", "abc"), ("abc\r\n", "abc"), ("abc", "abc"), (" abc \n", " abc ")] {
                try writeFile(path, contents, mode: 0o600)
                #expect(try SecretReference.file(path).resolve(environment: [:]).withUnsafeValue { $0 } == expected)
            }
            try writeFile(path, "abc\n\n", mode: 0o600)
            #expect(
                throws: ConfigError.secret(
                    nil,
                    line: nil,
                    "secret file \(path) contains a line break or NUL (only one trailing newline is removed from a file)"
                )
            ) {
                try SecretReference.file(path).resolve(environment: [:])
            }
        }
    }

    @Test func emptyMissingAndSpecialFilesAreRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/key"
            for contents in ["", "\n", "\r\n"] {
                try writeFile(path, contents, mode: 0o600)
                #expect(throws: ConfigError.secret(nil, line: nil, "secret file \(path) is empty")) {
                    try SecretReference.file(path).resolve(environment: [:])
                }
            }
            let missing = directory + "/missing"
            #expect(
                throws: ConfigError.secret(
                    nil,
                    line: nil,
                    "secret file \(missing) cannot be opened (No such file or directory)"
                )
            ) {
                try SecretReference.file(missing).resolve(environment: [:])
            }
            #expect(throws: ConfigError.secret(nil, line: nil, "secret file \(directory) is not a regular file")) {
                try SecretReference.file(directory).resolve(environment: [:])
            }
            try writeFile(path, String(repeating: "k", count: 70_000), mode: 0o600)
            #expect(throws: ConfigError.secret(nil, line: nil, "secret file \(path) is larger than 65536 bytes")) {
                try SecretReference.file(path).resolve(environment: [:])
            }
        }
    }

    /// Issue 9 (trust model): a symbolic link in the last component is refused, never followed, even to a safe
    /// target (it used to be followed and the target checked).
    @Test func symbolicLinksAreRefusedNotFollowed() throws {
        try withTemporaryDirectory { directory in
            let target = directory + "/target"
            let link = directory + "/link"
            try writeFile(target, value, mode: 0o600)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            #expect(
                throws: ConfigError.secret(
                    nil,
                    line: nil,
                    "secret file \(link) is a symbolic link; replayd does not follow symbolic links "
                        + "(fix: use the real path, readlink -f \(link))"
                )
            ) {
                try SecretReference.file(link).resolve(environment: [:])
            }
            #expect(try SecretReference.file(target).resolve(environment: [:]).withUnsafeValue { $0 } == value)
        }
    }

    @Test func loadingThroughTheConfigNamesKeyAndLine() throws {
        let toml = "[upstream]\nbase_url = \"https://x\"\napi_key_env = \"STRAIT_API_KEY\"\n[socket]\npath = \"/s\"\n"
        let errors = decodeErrors(toml, environment: [:])
        #expect(
            errors.map(\.description) == [
                "replayd.toml:3: upstream.api_key_env: environment variable STRAIT_API_KEY is not set"
            ]
        )
        let config = try ReplaydConfig.decode(toml: toml, environment: ["STRAIT_API_KEY": value])
        #expect(config.upstream.apiKey?.withUnsafeValue { $0 } == value)
    }

    /// systemd's `LoadCredential=NAME:…` puts the secret in `$CREDENTIALS_DIRECTORY/NAME`; a `*_file` key may say
    /// so, and the file trust model still applies to the file found there.
    @Test func aCredentialsDirectorySecretResolvesThroughTheEnvironment() throws {
        try withTemporaryDirectory { directory in
            try writeFile(directory + "/strait-api-key", value + "\n", mode: 0o400)
            let toml = """
                [upstream]
                base_url = "https://x"
                api_key_file = "$CREDENTIALS_DIRECTORY/strait-api-key"
                [socket]
                path = "/s"

                """
            let config = try ReplaydConfig.decode(toml: toml, environment: ["CREDENTIALS_DIRECTORY": directory])
            #expect(config.upstream.apiKey?.withUnsafeValue { $0 } == value)
            let braced = toml.replacingOccurrences(of: "$CREDENTIALS_DIRECTORY", with: "${CREDENTIALS_DIRECTORY}")
            let again = try ReplaydConfig.decode(toml: braced, environment: ["CREDENTIALS_DIRECTORY": directory + "/"])
            #expect(again.upstream.apiKey?.withUnsafeValue { $0 } == value)

            let unset = decodeErrors(toml, environment: [:]).map(\.description)
            #expect(unset.count == 1)
            #expect(unset.first?.contains("CREDENTIALS_DIRECTORY is not set") == true, "\(unset)")

            try writeFile(directory + "/strait-api-key", value, mode: 0o644)
            let exposed = decodeErrors(toml, environment: ["CREDENTIALS_DIRECTORY": directory]).map(\.description)
            #expect(exposed.first?.contains("other users can read or write it") == true, "\(exposed)")

            let escaping = toml.replacingOccurrences(of: "strait-api-key", with: "../etc/passwd")
            let refused = decodeErrors(escaping, environment: ["CREDENTIALS_DIRECTORY": directory]).map(\.description)
            #expect(refused.first?.contains("must name one credential") == true, "\(refused)")
        }
    }
}
