import Curl
import Foundation
import Logging

/// Webhook senders for the end-to-end tests: signatures made by the `openssl` command-line tool (an implementation
/// independent of replayd's), and requests to the daemon's webhook listener.
extension EndToEndHarness {
    /// The webhook listener's URL for `source`, read from the daemon's `webhook listener ready … port=N` line.
    func webhookURL(_ source: String) async throws -> String {
        let deadline = ContinuousClock.now + Self.hangGuard
        while ContinuousClock.now < deadline {
            let log = daemon?.stderr ?? ""
            if let line = log.split(separator: "\n").last(where: { $0.contains("webhook listener ready") }),
                let range = line.range(of: " port="),
                let port = Int(line[range.upperBound...].prefix { $0.isNumber })
            {
                return "http://127.0.0.1:\(port)/hooks/\(source)"
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessError("the daemon never logged its webhook listener")
    }

    /// POSTs `body` to the webhook listener; returns the status and body.
    func postWebhook(
        _ source: String,
        body: String,
        headers: [(String, String)]
    ) async throws -> (status: Int, body: String) {
        let response = try await Self.sendOnce(
            HTTPRequest(
                method: "POST",
                url: try await webhookURL(source),
                headers: HTTPHeaders(headers.map { (name: $0.0, value: $0.1) }),
                body: Array(body.utf8)
            )
        )
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// Lowercase hex HMAC-SHA256 of `message` under the text `secret`, by `openssl dgst -hmac`.
    func opensslHMACHex(secret: String, _ message: String) async throws -> String {
        let file = try writeScratch(message)
        let result = try await run("/usr/bin/openssl", ["dgst", "-sha256", "-hmac", secret, "-r", file])
        guard result.status == 0, let hex = result.stdout.split(separator: " ").first else {
            throw HarnessError("openssl dgst failed: \(result.stderr)")
        }
        return String(hex)
    }

    /// Base64 HMAC-SHA256 of `message` under the raw key bytes `key`, by `openssl dgst -mac HMAC`.
    func opensslHMACBase64(key: [UInt8], _ message: String) async throws -> String {
        let file = try writeScratch(message)
        let output = file + ".mac"
        let hexKey = key.map { String(format: "%02x", $0) }.joined()
        let result = try await run(
            "/usr/bin/openssl",
            ["dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(hexKey)", "-binary", "-out", output, file]
        )
        guard result.status == 0, let mac = FileManager.default.contents(atPath: output) else {
            throw HarnessError("openssl dgst -mac failed: \(result.stderr)")
        }
        return mac.base64EncodedString()
    }

    /// A new Ed25519 key made by `openssl genpkey`: its PEM path and the raw 32-byte public key.
    func opensslEd25519Key() async throws -> (pem: String, publicKey: [UInt8]) {
        let pem = try writeScratch("") + ".pem"
        let der = pem + ".pub.der"
        let made = try await run("/usr/bin/openssl", ["genpkey", "-algorithm", "ed25519", "-out", pem])
        let exported = try await run(
            "/usr/bin/openssl",
            ["pkey", "-in", pem, "-pubout", "-outform", "DER", "-out", der]
        )
        guard made.status == 0, exported.status == 0, let bytes = FileManager.default.contents(atPath: der) else {
            throw HarnessError("openssl could not make an Ed25519 key: \(made.stderr) \(exported.stderr)")
        }
        return (pem, Array(bytes.suffix(32)))
    }

    /// The Ed25519 signature of `message` by the key at `pem`, by `openssl pkeyutl -sign -rawin`, in hex.
    func opensslEd25519SignHex(pem: String, _ message: String) async throws -> String {
        let file = try writeScratch(message)
        let output = file + ".sig"
        let result = try await run(
            "/usr/bin/openssl",
            ["pkeyutl", "-sign", "-rawin", "-inkey", pem, "-in", file, "-out", output]
        )
        guard result.status == 0, let signature = FileManager.default.contents(atPath: output) else {
            throw HarnessError("openssl pkeyutl failed: \(result.stderr)")
        }
        return signature.map { String(format: "%02x", $0) }.joined()
    }

    /// Now, in Unix seconds, as senders write timestamps.
    static var unixNow: String { String(Int(Date().timeIntervalSince1970)) }

    private func writeScratch(_ text: String) throws -> String {
        let path = "\(directory)/scratch-\(UUID().uuidString.prefix(8))"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
