import Foundation
import Subprocess

/// The `openssl` command-line tool, run as a subprocess, as a signer independent of the code under test. Each
/// instance works in its own temporary directory, removed when the instance goes away.
///
/// It runs `openssl` through swift-subprocess and awaits its exit, so a test waiting for it suspends and leaves the
/// cooperative pool's threads (two on a two-core machine) to the rest of the suite.
final class OpenSSL {
    /// An Ed25519 key pair made by `openssl genpkey`.
    struct Ed25519KeyPair {
        /// The PEM private key file, for `openssl pkeyutl -sign`.
        var privateKeyPath: String
        /// The raw 32-byte public key (the last 32 bytes of the DER SubjectPublicKeyInfo).
        var publicKey: [UInt8]
    }

    /// A failed or missing `openssl`, with what it printed.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let executable: URL
    private let directory: URL
    private var fileCounter = 0

    /// Finds `openssl` (`$OPENSSL`, else the first on `$PATH`, else `/usr/bin/openssl`) and makes a fresh
    /// temporary directory. Throws a clear error when the tool is missing.
    init() throws {
        executable = try Self.locate()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("webhooks-openssl-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// HMAC-SHA256 of `message` under `key`: `openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex> -binary`.
    func hmacSHA256(key: [UInt8], message: [UInt8]) async throws -> [UInt8] {
        let input = try write(message)
        let output = nextPath("mac")
        try await run([
            "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:\(TestEncoding.hex(key))", "-binary", "-out",
            output, input,
        ])
        let mac = try read(output)
        guard mac.count == 32 else { throw Failure(description: "openssl dgst wrote \(mac.count) bytes, not 32") }
        return mac
    }

    /// A new Ed25519 key pair: `openssl genpkey -algorithm ed25519`, then `openssl pkey -pubout -outform DER`.
    func generateEd25519() async throws -> Ed25519KeyPair {
        let privateKey = nextPath("pem")
        try await run(["genpkey", "-algorithm", "ed25519", "-out", privateKey])
        let publicDER = nextPath("der")
        try await run(["pkey", "-in", privateKey, "-pubout", "-outform", "DER", "-out", publicDER])
        let der = try read(publicDER)
        guard der.count == 44 else { throw Failure(description: "openssl pkey wrote a \(der.count)-byte DER key") }
        return Ed25519KeyPair(privateKeyPath: privateKey, publicKey: Array(der.suffix(32)))
    }

    /// The Ed25519 signature of `message` under `pair`: `openssl pkeyutl -sign -rawin`.
    func signEd25519(_ message: [UInt8], with pair: Ed25519KeyPair) async throws -> [UInt8] {
        let input = try write(message)
        let output = nextPath("sig")
        try await run(["pkeyutl", "-sign", "-rawin", "-inkey", pair.privateKeyPath, "-in", input, "-out", output])
        let signature = try read(output)
        guard signature.count == 64 else {
            throw Failure(description: "openssl pkeyutl wrote a \(signature.count)-byte signature, not 64")
        }
        return signature
    }

    private func nextPath(_ suffix: String) -> String {
        fileCounter += 1
        return directory.appendingPathComponent("\(fileCounter).\(suffix)").path
    }

    private func write(_ bytes: [UInt8]) throws -> String {
        let path = nextPath("in")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func read(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Runs `openssl arguments` (its outputs go to `-out` files; stdout is discarded, stderr kept for the error)
    /// and throws unless it exits 0.
    private func run(_ arguments: [String]) async throws {
        let result = try await Subprocess.run(
            .path(.init(executable.path)),
            arguments: Arguments(arguments),
            environment: .inherit,
            input: .none,
            output: .discarded,
            error: .string(limit: 64 * 1024)
        )
        guard result.terminationStatus.isSuccess else {
            throw Failure(
                description: "openssl \(arguments.first ?? "") ended with \(result.terminationStatus): "
                    + result.standardError
            )
        }
    }

    private static func locate() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["OPENSSL"], !explicit.isEmpty { candidates.append(explicit) }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/openssl")
        }
        candidates.append("/usr/bin/openssl")
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(
                description: "The openssl command-line tool was not found ($OPENSSL, $PATH, /usr/bin/openssl); "
                    + "install it (apt-get install openssl) to run the signature tests."
            )
        }
        return URL(fileURLWithPath: found)
    }
}
