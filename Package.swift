// swift-tools-version:6.1
import PackageDescription

// Every source target, as Hummingbird does: a file imports each module whose members it uses
// (SE-0444), and an import is internal unless the module's public API shows its types (SE-0409).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Jifen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "jifen", targets: ["jifen"]),
        .library(name: "JifenCore", targets: ["JifenCore"]),
        .library(name: "JifenSQLite", targets: ["JifenSQLite"]),
        .library(name: "JifenNotify", targets: ["JifenNotify"]),
        .library(name: "JifenPostgres", targets: ["JifenPostgres"]),
        .library(name: "JifenApp", targets: ["JifenApp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.25.0"),
        // `jifen serve`: the HTTP server (and HummingbirdTLS for --tls-cert/--tls-key).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        // Hummingbird's own dependencies, named for the types the server uses from them.
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        // Metrics: the swift-metrics facade (CoreMetrics, already built for Hummingbird) where they are
        // emitted; the Prometheus registry and text format only in JifenServer (`jifen serve --metrics-listen`).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Domain types, rules and the ledger's semantics. Knows no SQL, no terminal.
        .target(
            name: "JifenCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto")
            ],
            swiftSettings: swiftSettings),
        // The embedded store: GRDB on the system libsqlite3.
        .target(
            name: "JifenSQLite",
            dependencies: [
                "JifenCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The C API itself, for the import's statement bound without GRDB's argument lists.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
        // The server store: PostgreSQL through PostgresNIO, the same ledger operations as SQLite.
        .target(
            name: "JifenPostgres",
            dependencies: [
                "JifenCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // Outbox delivery: webhook formats, signing, retry policy, HTTP transport (URLSession).
        .target(
            name: "JifenNotify",
            dependencies: [
                "JifenCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings),
        // A loopback HTTP receiver for the notifier's tests and benchmark; not shipped.
        .target(name: "JifenLoopback", swiftSettings: swiftSettings),
        // The application layer: every use case as one operation over the store; opens stores.
        .target(
            name: "JifenApp",
            dependencies: [
                "JifenCore", "JifenSQLite", "JifenPostgres", "JifenNotify",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings),
        // The HTTP API's contract (endpoints: method, path, input, operation), shared by server and client.
        .target(name: "JifenAPI", dependencies: ["JifenApp", "JifenCore"], swiftSettings: swiftSettings),
        // `jifen serve`: the JSON API over JifenApp (routes, credentials, limits, OpenAPI document).
        .target(
            name: "JifenServer",
            dependencies: [
                "JifenAPI", "JifenApp", "JifenCore", "JifenWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // SIGTERM and SIGINT for the graceful shutdown.
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                // The request and response parts the slow clients' deadlines watch.
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                // ByteBuffer from and to Data.
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),
        // Debian's libqrencode (apt-get install libqrencode-dev; scripts/setup installs it).
        .systemLibrary(
            name: "CQRencode", path: "Sources/CQRencode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),
        // The web pages `jifen serve` serves: server-rendered HTML over the same endpoints (API.x.call), no rule.
        .target(
            name: "JifenWeb",
            dependencies: [
                "JifenAPI", "JifenApp", "JifenCore", "CQRencode",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),
        // Commands and rendering over JifenApp; a library so tests can reach the renderers.
        .target(
            name: "JifenCLI",
            dependencies: [
                "JifenAPI", "JifenApp", "JifenCore", "JifenNotify", "JifenServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        // `jifen --version`'s commit: BuildCommit writes it (git rev-parse) into the executable's
        // module before every build, so only main.swift's module recompiles when it changes.
        .executableTarget(
            name: "jifen", dependencies: ["JifenCLI"], swiftSettings: swiftSettings, plugins: ["BuildCommit"]),
        .plugin(name: "BuildCommit", capability: .buildTool()),
        .executableTarget(
            name: "jifen-bench", dependencies: ["JifenCore", "JifenSQLite"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "jifen-pg-bench", dependencies: ["JifenCore", "JifenPostgres"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "jifen-notify-bench",
            dependencies: [
                "JifenCore", "JifenSQLite", "JifenNotify", "JifenLoopback",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // What every test target shares, written once: store kinds, the test clock, scratch
        // stores (temp folders, PostgreSQL schemas) cleaned up, the ledger fixture, the built binary.
        .target(
            name: "JifenTestSupport",
            dependencies: [
                "JifenCore", "JifenSQLite", "JifenPostgres", "JifenApp",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/JifenTestSupport"),
        // The core's rules alone: no store, no process, no front end.
        .testTarget(name: "JifenCoreTests", dependencies: ["JifenCore"]),
        // The command line's own pieces (tables, argument errors), without a process.
        .testTarget(name: "JifenCLITests", dependencies: ["JifenCLI"]),
        .testTarget(
            name: "JifenLedgerTests",
            dependencies: [
                "JifenApp", "JifenCore", "JifenSQLite", "JifenPostgres", "JifenTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "JifenEndToEndTests",
            dependencies: [
                "jifen", "JifenAPI", "JifenCore", "JifenSQLite", "JifenTestSupport", "JifenWeb", "JifenServer",
            ]),
        .testTarget(
            name: "JifenNotifyTests",
            dependencies: [
                "jifen", "JifenCore", "JifenSQLite", "JifenPostgres", "JifenNotify", "JifenLoopback",
                "JifenTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
