import Foundation
import Logging
import PostgresNIO
import Subprocess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL cluster for the tests of this process: `initdb` and `pg_ctl` in a temporary directory,
/// listening only on a Unix socket in that directory, started on first use and shared by every test, each of
/// which gets a database of its own (``newDatabase()``). `swift test` needs no server running, only the server
/// binaries (Debian: `apt-get install postgresql`).
///
/// - **Not as root.** `initdb` refuses to run as root, so when the tests run as root (CI), the directory is
///   given to `nobody` and the binaries run through `setpriv` as that user.
/// - **Cleaned up at exit.** A watchdog shell waits on a pipe whose other end only this process holds; when the
///   process ends, however it ends, the pipe closes and the watchdog stops the server and removes the directory.
/// - **Binaries.** `$REPLAYD_PG_BINDIR`, else the newest `/usr/lib/postgresql/*/bin`, else `$PATH`. When none has
///   them, every PostgreSQL test fails with a message that says how to install them; they never skip.
///
/// ``tls`` is a second cluster that also listens on TCP at 127.0.0.1 with TLS, its certificate (for `localhost`
/// only) signed by a throwaway CA made with openssl: the tests of `sslmode` and `ca_file` connect to it.
///
/// It is shared by the test targets that need PostgreSQL (the store's tests in ReplayCoreTests, the fleet's
/// end-to-end tests), and knows nothing of replayd: each target turns a ``Database`` into what it connects with.
public actor PostgresTestCluster {
    /// The cluster of this test process.
    public static let shared = PostgresTestCluster()

    /// The cluster that also takes TLS connections over TCP (started on first use).
    public static let tls = PostgresTestCluster(tls: true)

    /// Where a TLS cluster takes TCP connections, and the CA that signed its certificate.
    public struct TLS: Sendable {
        /// The TCP port on 127.0.0.1 (also the port in the Unix socket's name).
        public let port: Int
        /// The name the server's certificate is for (its only subjectAltName): `localhost`.
        public let serverName: String
        /// The PEM file of the CA that signed the server's certificate.
        public let caFile: String
        /// The PEM file of another CA, which signed nothing the server has.
        public let otherCAFile: String
    }

    /// A running cluster.
    public struct Running: Sendable {
        /// The cluster's temporary directory (data, log, socket).
        public let directory: String
        /// Where the server's Unix socket is (`.s.PGSQL.<port>`).
        public let socketDirectory: String
        /// The port in the socket's name.
        public let port: Int
        /// The superuser (trust authentication, no password).
        public let superuser: String
        /// TCP with TLS, on the ``PostgresTestCluster/tls`` cluster only.
        public let tls: TLS?
    }

    /// One new, empty database on the cluster, owned by its superuser.
    public struct Database: Sendable {
        /// The cluster it is on.
        public let cluster: Running
        /// The database's name.
        public let name: String

        /// The server's socket file.
        public var socketPath: String { "\(cluster.socketDirectory)/.s.PGSQL.\(cluster.port)" }

        /// The libpq URL of the database over the Unix socket, as replayd's `[state]` URL takes it.
        public var url: String {
            "postgres:///\(name)?host=\(cluster.socketDirectory)&port=\(cluster.port)&user=\(cluster.superuser)"
        }
    }

    /// The harness could not start a cluster.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, and how to fix it when the binaries are missing.
        public var description: String
    }

    private var running: Result<Running, Failure>?
    private var launching = false
    private var waiting: [CheckedContinuation<Result<Running, Failure>, Never>] = []
    private var databases = 0
    private static let superuser = "replayd_test"
    private static let port = 5432
    private let withTLS: Bool

    private init(tls: Bool = false) {
        withTLS = tls
    }

    /// A new, empty database on the cluster (started on first use). Throws the harness's failure, the same for
    /// every test, when the cluster cannot be started.
    public func newDatabase() async throws -> Database {
        let cluster = try await start()
        databases += 1
        let name = "replayd_test_\(databases)"
        try await Self.execute("CREATE DATABASE \(name)", cluster: cluster, database: "postgres")
        return Database(cluster: cluster, name: name)
    }

    /// Drops `database` (a test's cleanup), ending the sessions still connected to it.
    public func drop(_ database: Database) async throws {
        try await Self.execute(
            "DROP DATABASE IF EXISTS \(database.name) WITH (FORCE)",
            cluster: database.cluster,
            database: "postgres"
        )
    }

    /// The running cluster, launched by the first caller; callers that arrive while it launches wait for it (the
    /// actor is reentrant across the launch's awaits, so without this each would launch a cluster of its own).
    private func start() async throws -> Running {
        if let running { return try running.get() }
        if launching {
            let result = await withCheckedContinuation { waiting.append($0) }
            return try result.get()
        }
        launching = true
        let result: Result<Running, Failure>
        do {
            result = .success(try await launch())
        } catch let failure as Failure {
            result = .failure(failure)
        } catch {
            result = .failure(Failure(description: "the PostgreSQL test cluster could not start: \(error)"))
        }
        running = result
        for waiter in waiting { waiter.resume(returning: result) }
        waiting = []
        return try result.get()
    }

    /// Runs one statement on a short-lived connection.
    public static func execute(_ sql: String, cluster: Running, database: String) async throws {
        let configuration = PostgresConnection.Configuration(
            unixSocketPath: "\(cluster.socketDirectory)/.s.PGSQL.\(cluster.port)",
            username: cluster.superuser,
            password: nil,
            database: database
        )
        let logger = Logger(label: "replayd.test.pg") { _ in SwiftLogNoOpLogHandler() }
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw Failure(description: "PostgreSQL test cluster: \(sql) failed: \(String(reflecting: error))")
        }
        try await connection.close()
    }

    private func launch() async throws -> Running {
        let binaries = try Self.locateBinaries()
        let user = try Self.runAs()
        var template = Array("/tmp/replayd-pg-XXXXXX".utf8CString)
        let directory = try template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let created = mkdtemp(base) else {
                throw Failure(description: "cannot create a temporary directory for PostgreSQL: \(errno)")
            }
            return String(cString: created)
        }
        if let user {
            guard chown(directory, user.uid, user.gid) == 0 else {
                throw Failure(description: "cannot give \(directory) to \(user.name): errno \(errno)")
            }
        }
        let data = directory + "/data"
        let log = directory + "/server.log"
        try Self.startWatchdog(directory: directory, data: data, pgctl: binaries.pgctl, user: user)
        try await Self.run(
            binaries.initdb,
            ["-D", data, "-U", Self.superuser, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"],
            user: user,
            directory: directory
        )
        var tls: TLS?
        var options = [
            "-k \(directory)", "-c max_connections=400", "-c shared_buffers=32MB", "-c fsync=off",
            "-c full_page_writes=off",
        ]
        if withTLS {
            let made = try await Self.makeCertificates(in: directory, user: user)
            tls = made
            options += [
                "-p \(made.port)", "-c listen_addresses=127.0.0.1", "-c ssl=on",
                "-c ssl_cert_file=\(directory)/server.crt", "-c ssl_key_file=\(directory)/server.key",
            ]
        } else {
            options += ["-p \(Self.port)", "-c listen_addresses=''"]
        }
        let port = tls?.port ?? Self.port
        do {
            try await Self.run(
                binaries.pgctl,
                ["-D", data, "-l", log, "-w", "-t", "120", "-o", options.joined(separator: " "), "start"],
                user: user,
                directory: directory
            )
        } catch {
            let tail = (try? String(contentsOfFile: log, encoding: .utf8)).map { String($0.suffix(2000)) } ?? ""
            throw Failure(description: "\(error)\nserver log:\n\(tail)")
        }
        return Running(
            directory: directory,
            socketDirectory: directory,
            port: port,
            superuser: Self.superuser,
            tls: tls
        )
    }

    /// A CA, the server's key and certificate (for `localhost`, signed by the CA) and another CA, made with
    /// openssl in `directory`; the key is the server user's, mode 0600, as PostgreSQL requires. Picks a free TCP
    /// port on 127.0.0.1.
    private static func makeCertificates(
        in directory: String,
        user: (name: String, uid: uid_t, gid: gid_t)?
    ) async throws -> TLS {
        let openssl = "/usr/bin/openssl"
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for name in ["ca", "other-ca"] {
            try await run(
                openssl,
                ["req", "-x509"] + ec + [
                    "-keyout", "\(name).key", "-out", "\(name).crt", "-days", "2", "-subj", "/CN=replayd test \(name)",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ],
                user: nil,
                directory: directory
            )
        }
        try "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n".write(
            toFile: directory + "/server.ext",
            atomically: true,
            encoding: .utf8
        )
        try await run(
            openssl,
            ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            user: nil,
            directory: directory
        )
        try await run(
            openssl,
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "2", "-extfile", "server.ext",
            ],
            user: nil,
            directory: directory
        )
        for file in ["server.key", "server.crt"] {
            let path = directory + "/" + file
            if let user, chown(path, user.uid, user.gid) != 0 {
                throw Failure(description: "cannot give \(path) to \(user.name): errno \(errno)")
            }
            guard chmod(path, 0o600) == 0 else { throw Failure(description: "cannot chmod \(path): errno \(errno)") }
        }
        return TLS(
            port: try freeTCPPort(),
            serverName: "localhost",
            caFile: directory + "/ca.crt",
            otherCAFile: directory + "/other-ca.crt"
        )
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick for port 0).
    private static func freeTCPPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "cannot pick a free TCP port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The account the binaries run as when this process is root (`nobody`), or `nil` to run them as ourselves.
    private static func runAs() throws -> (name: String, uid: uid_t, gid: gid_t)? {
        guard geteuid() == 0 else { return nil }
        guard let entry = getpwnam("nobody") else {
            throw Failure(description: "the tests run as root and there is no `nobody` user to run PostgreSQL as")
        }
        return ("nobody", entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    private static func locateBinaries() throws -> (initdb: String, pgctl: String) {
        let environment = ProcessInfo.processInfo.environment
        var directories: [String] = []
        if let explicit = environment["REPLAYD_PG_BINDIR"], !explicit.isEmpty { directories.append(explicit) }
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap(Int.init).sorted(by: >)
        directories += versions.map { "/usr/lib/postgresql/\($0)/bin" }
        directories += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for directory in directories {
            let initdb = directory + "/initdb"
            let pgctl = directory + "/pg_ctl"
            if FileManager.default.isExecutableFile(atPath: initdb), FileManager.default.isExecutableFile(atPath: pgctl)
            {
                return (initdb, pgctl)
            }
        }
        throw Failure(
            description: "The PostgreSQL server binaries (initdb, pg_ctl) were not found in $REPLAYD_PG_BINDIR, "
                + "/usr/lib/postgresql/*/bin or $PATH. The PostgreSQL store tests start a throwaway cluster with "
                + "them; install them with `sudo apt-get install postgresql` (or ./scripts/install-deps.sh), or "
                + "set REPLAYD_PG_BINDIR to the directory that holds them."
        )
    }

    /// Runs `executable arguments` (as `user`, through `setpriv`, when given) in `directory`, and throws with its
    /// output unless it exits 0.
    private static func run(
        _ executable: String,
        _ arguments: [String],
        user: (name: String, uid: uid_t, gid: gid_t)?,
        directory: String
    ) async throws {
        var command = [executable] + arguments
        if let user {
            command =
                ["/usr/bin/setpriv", "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--"]
                + command
        }
        let result = try await Subprocess.run(
            .path(.init(command[0])),
            arguments: Arguments(Array(command.dropFirst())),
            environment: .inherit.updating(["LC_ALL": "C"]),
            workingDirectory: .init(directory),
            input: .none,
            output: .discarded,
            error: .string(limit: 64 * 1024)
        )
        guard result.terminationStatus.isSuccess else {
            throw Failure(
                description: "\(command.joined(separator: " ")) ended with \(result.terminationStatus): "
                    + result.standardError
            )
        }
    }

    /// Starts the shell that stops the server and removes `directory` once this process has ended: it reads its
    /// standard input, a pipe whose write end this process alone holds (close-on-exec, so no child inherits it),
    /// and that only the end of this process closes.
    private static func startWatchdog(
        directory: String,
        data: String,
        pgctl: String,
        user: (name: String, uid: uid_t, gid: gid_t)?
    ) throws {
        var ends: [Int32] = [0, 0]
        // (A process spawned by another test between pipe(2) and fcntl(2) may inherit the write end; it only delays
        // the cleanup until that short-lived process ends too.)
        guard pipe(&ends) == 0, fcntl(ends[1], F_SETFD, FD_CLOEXEC) == 0, fcntl(ends[0], F_SETFD, FD_CLOEXEC) == 0
        else {
            throw Failure(description: "cannot create the PostgreSQL watchdog's pipe: errno \(errno)")
        }
        let asUser = user.map { "/usr/bin/setpriv --reuid=\($0.uid) --regid=\($0.gid) --clear-groups -- " } ?? ""
        let script = """
            read _
            \(asUser)'\(pgctl)' -D '\(data)' -m immediate -w stop >/dev/null 2>&1
            rm -rf '\(directory)'
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardInput = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The write end stays open for the life of this process: it is what the watchdog waits on.
        watchdogWriteEnd.withLock { $0 = ends[1] }
    }

    private static let watchdogWriteEnd = Mutex<Int32>(-1)
}
