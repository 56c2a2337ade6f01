import Foundation
import Testing

@testable import ReplayCore

/// `[upstream] ca_file`: a CA bundle for a private or self-signed Strait, held to the same trust model as every
/// other file replayd relies on.
@Suite struct ConfigCAFileTests {
    private static let pem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"
    private static let environment = ["STRAIT_API_KEY": "k"]

    private static func config(caFile path: String) -> String {
        minimalConfig.replacingOccurrences(
            of: "api_key_env = \"STRAIT_API_KEY\"\n",
            with: "api_key_env = \"STRAIT_API_KEY\"\nca_file = \"\(path)\"\n"
        )
    }

    private static func errorText(_ toml: String) -> String? {
        do throws(ConfigErrors) {
            _ = try ReplaydConfig.decode(toml: toml, environment: environment)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aTrustedBundleIsUsedAndShownInTheSummary() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ca.pem"
            try writeFile(path, Self.pem, mode: 0o644)
            let config = try ReplaydConfig.decode(toml: Self.config(caFile: path), environment: Self.environment)
            #expect(config.upstream.caFile == path)
            #expect(config.summary().contains("  ca_file: \(path)\n"))
        }
    }

    @Test func theDefaultIsTheSystemStore() throws {
        let config = try ReplaydConfig.decode(toml: minimalConfig, environment: Self.environment)
        #expect(config.upstream.caFile == nil)
        #expect(!config.summary().contains("ca_file"))
    }

    @Test func aRelativePathIsRefused() {
        let text = Self.errorText(Self.config(caFile: "ca.pem"))
        #expect(text?.contains("upstream.ca_file") == true)
        #expect(text?.contains("absolute path") == true)
    }

    @Test func aBundleOthersCanWriteIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/ca.pem"
            try writeFile(path, Self.pem, mode: 0o666)
            let text = Self.errorText(Self.config(caFile: path))
            #expect(text?.contains("upstream.ca_file") == true)
            #expect(text?.contains("write") == true)
        }
    }

    @Test func aMissingFileOrOneWithoutACertificateIsRefused() throws {
        try withTemporaryDirectory { directory in
            let missing = directory + "/missing.pem"
            #expect(Self.errorText(Self.config(caFile: missing))?.contains("cannot be opened") == true)
            let empty = directory + "/empty.pem"
            try writeFile(empty, "not a certificate\n", mode: 0o644)
            #expect(Self.errorText(Self.config(caFile: empty))?.contains("no PEM certificate") == true)
        }
    }

    @Test func aSymbolicLinkIsRefused() throws {
        try withTemporaryDirectory { directory in
            let real = directory + "/ca.pem"
            try writeFile(real, Self.pem, mode: 0o644)
            let link = directory + "/link.pem"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: real)
            #expect(Self.errorText(Self.config(caFile: link))?.contains("symbolic link") == true)
        }
    }

    @Test func decodingWithoutLoadingSecretsDoesNotTouchTheFile() throws {
        let config = try ReplaydConfig.decode(toml: Self.config(caFile: "/nonexistent/ca.pem"), environment: nil)
        #expect(config.upstream.caFile == "/nonexistent/ca.pem")
    }
}
