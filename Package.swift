// swift-tools-version:6.2
import PackageDescription

/// Settings shared by every target we own: Swift 6 language mode (strict concurrency), warnings as errors,
/// and explicit `any` for existentials.
let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "replayd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "replayd", targets: ["replayd"]),
        .executable(name: "replayctl", targets: ["replayctl"]),
        .library(name: "ReplayCore", targets: ["ReplayCore"]),
        .library(name: "Strait", targets: ["Strait"]),
        .library(name: "Curl", targets: ["Curl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        // Operations (issue 12): the metrics API, and its Prometheus registry and text exposition.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The PostgreSQL state backend (issue 14): a shared store for a fleet of instances.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // Its TLS configuration type (postgres-nio depends on it): the backend's sslmode and ca_file.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Tests only: runs `openssl` from async tests without blocking a cooperative thread.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        // Rate limits (issue 11): the IETF `RateLimit` and `RateLimit-Policy` fields are RFC 9651 structured fields.
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
    ],
    targets: [
        // libcurl, through pkg-config. `shim.h` holds typed, prefixed wrappers for the variadic calls.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Our HTTP client on libcurl: one network thread, one multi handle, async API, transfer facts.
        .target(
            name: "Curl",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Strait API models and client.
        .target(
            name: "Strait",
            dependencies: [
                "Curl",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // A faithful local Strait, with fault injection and counters, for tests, demos and benchmarks.
        .target(
            name: "StraitSimulator",
            dependencies: [
                "Strait",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The tamper-evident audit log: records, the keyed hash chain, segments with group commit, signed
        // checkpoints, and the offline verifier.
        .target(
            name: "Audit",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // Webhook senders without I/O: keyrings, signature verifiers (Slack, GitHub, Standard Webhooks, Strait,
        // Discord), payload and command parsing, the auto-replay policy, and chat message rendering.
        .target(
            name: "Webhooks",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ],
            swiftSettings: strictSettings
        ),
        // The pipeline and everything that is not wire format: requests, principals, config, upstream seam.
        .target(
            name: "ReplayCore",
            dependencies: [
                "Audit",
                "Webhooks",
                "Strait",
                "Curl",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),
        // The one HTTP/1.1 server core under every door: codec limits, deadlines, connection caps (total and per
        // client), keep-alive, pipelining, half-close and drain. Knows nothing of replays.
        .target(
            name: "HTTPServer",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // The doors on the HTTP core: the Unix socket (REST and JSON-RPC, peer credentials) and the webhook listener.
        .target(
            name: "Ingress",
            dependencies: [
                "Audit",
                "HTTPServer",
                "ReplayCore",
                "Webhooks",
                "Strait",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers"),
            ],
            swiftSettings: strictSettings
        ),
        // The `main` both executables share (SIGPIPE, usage exit code 3).
        .target(
            name: "CommandLineSupport",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "replayd",
            dependencies: [
                "Audit",
                "CommandLineSupport",
                "HTTPServer",
                "ReplayCore",
                "Ingress",
                "ReplayctlKit",
                "StraitSimulator",
                "Strait",
                "Curl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // replayctl's logic without I/O of its own: the daemon client over the `HTTPClient` seam, the replay,
        // wait and poll loop, replay records and their tables, bulk files, derived keys, progress and exit codes.
        .target(
            name: "ReplayctlKit",
            dependencies: [
                "Curl",
                "Strait",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "replayctl",
            dependencies: [
                "CommandLineSupport",
                "ReplayctlKit",
                "Curl",
                "Strait",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        // Benchmarks (`scripts/bench.sh`): latency replayd adds, and concurrency on one network thread.
        .executableTarget(
            name: "replayd-bench",
            dependencies: [
                "Audit", "Curl", "ReplayCore", "Strait", "StraitSimulator", "Webhooks",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/ReplaydBench",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CurlTests",
            dependencies: [
                "Curl",
                "CCurl",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "StraitTests", dependencies: ["Strait", "Curl"], swiftSettings: strictSettings),
        .testTarget(
            name: "StraitSimulatorTests",
            dependencies: [
                "StraitSimulator",
                "Strait",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        // A real audit log in a test's directory, shared by the ReplayCore and Ingress test targets.
        .target(
            name: "AuditTestSupport",
            dependencies: [
                "Audit", "ReplayCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/AuditTestSupport",
            swiftSettings: strictSettings
        ),
        // A throwaway PostgreSQL cluster (initdb, pg_ctl) for the test process, shared by the store's tests and the
        // fleet's end-to-end tests.
        .target(
            name: "PostgresTestSupport",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            path: "Tests/PostgresTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AuditTests",
            dependencies: [
                "Audit", "AuditTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ReplayCoreTests",
            dependencies: [
                "Audit", "AuditTestSupport", "PostgresTestSupport", "ReplayCore", "Strait", "Curl", "StraitSimulator",
                .product(name: "Logging", package: "swift-log"),
                // A local HTTP server for the follow-up poster's tests.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // The PostgreSQL store's tests, on the throwaway cluster of PostgresTestSupport.
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IngressTests",
            dependencies: [
                "Audit", "AuditTestSupport",
                "HTTPServer", "Ingress", "ReplayCore", "Strait", "Curl",
                // Child processes: curl as another uid, Python's http_sfv as the independent RFC 9651 parser.
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "WebhooksTests",
            dependencies: [
                "Webhooks",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ReplayctlTests",
            dependencies: ["ReplayctlKit", "Strait", "Curl"],
            swiftSettings: strictSettings
        ),
        // Runs the real `replayd` and `replayctl` binaries; depending on them makes `swift test` build them.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "replayd", "replayctl", "Strait", "Curl", "Audit",
                // The fleet's tests run their daemons on a throwaway PostgreSQL cluster.
                "PostgresTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
