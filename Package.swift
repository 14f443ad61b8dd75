// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Lifeboat",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "lifeboat", targets: ["lifeboat"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CLifeboatSystem"),

        .target(name: "LifeboatCore", dependencies: ["CLifeboatSystem"]),
        .target(
            name: "LifeboatConfig",
            dependencies: [
                "LifeboatCore", .product(name: "Yams", package: "Yams"),
            ]),
        .target(name: "LifeboatDigest", dependencies: ["COpenSSL"]),
        .target(name: "LifeboatCrypto", dependencies: ["LifeboatCore", "LifeboatDigest", "COpenSSL"]),
        .target(
            name: "LifeboatPipeline",
            dependencies: ["LifeboatCore", "LifeboatDigest", "LifeboatCrypto", "CDeflate", "CZlib", "CZstd"]),
        .target(
            name: "LifeboatSources",
            dependencies: [
                "LifeboatCore", "LifeboatConfig", "CLifeboatSystem", .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .target(name: "LifeboatStorage", dependencies: ["LifeboatCore"]),
        .target(
            name: "LifeboatS3",
            dependencies: [
                "LifeboatStorage", "LifeboatCore", "LifeboatDigest",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .target(
            name: "LifeboatCatalog",
            dependencies: [
                "LifeboatCore", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .target(name: "LifeboatPlan", dependencies: [.product(name: "Mustache", package: "swift-mustache")]),
        .target(
            name: "LifeboatAgent",
            dependencies: [
                "LifeboatCore", "LifeboatConfig", "LifeboatDigest", "LifeboatCrypto", "LifeboatPipeline",
                "LifeboatSources", "LifeboatPlan",
                "LifeboatStorage", "LifeboatS3", "LifeboatCatalog", .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .target(
            name: "LifeboatCLI",
            dependencies: [
                "LifeboatAgent", "LifeboatCatalog", "LifeboatConfig", "LifeboatCore", "LifeboatCrypto",
                "LifeboatSources", .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "lifeboat",
            dependencies: [
                "LifeboatCLI", "LifeboatAgent", "LifeboatCatalog", "LifeboatCore", "LifeboatConfig", "LifeboatCrypto",
                "LifeboatPipeline", "LifeboatPlan",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "LifeboatTestSupport", dependencies: ["LifeboatCore", "LifeboatStorage"]),

        .testTarget(name: "LifeboatCoreTests", dependencies: ["LifeboatCore"]),
        .testTarget(
            name: "LifeboatConfigTests",
            dependencies: ["LifeboatConfig", "LifeboatCLI", "LifeboatCore", "LifeboatTestSupport"]),
        .testTarget(name: "LifeboatDigestTests", dependencies: ["LifeboatDigest"]),
        .testTarget(
            name: "LifeboatCryptoTests",
            dependencies: ["LifeboatCrypto", "LifeboatCore", "LifeboatDigest", "LifeboatTestSupport"]),
        .testTarget(
            name: "LifeboatPipelineTests",
            dependencies: ["LifeboatPipeline", "LifeboatCore", "LifeboatDigest", "LifeboatTestSupport"]),
        .testTarget(
            name: "LifeboatSourcesTests",
            dependencies: [
                "LifeboatSources", "LifeboatCore", "LifeboatTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "LifeboatStorageTests",
            dependencies: ["LifeboatStorage", "LifeboatCore", "LifeboatDigest", "LifeboatTestSupport"]),
        .testTarget(
            name: "LifeboatS3Tests",
            dependencies: [
                "LifeboatS3", "LifeboatDigest", "LifeboatStorage", "LifeboatCLI", "LifeboatCore", "LifeboatTestSupport",
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "LifeboatCatalogTests",
            dependencies: [
                "LifeboatCatalog", "LifeboatCore", "LifeboatTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "LifeboatAgentTests",
            dependencies: [
                "LifeboatAgent", "LifeboatCLI", "LifeboatTestSupport", "LifeboatCore", "LifeboatConfig",
                "LifeboatCatalog", "LifeboatDigest",
                "LifeboatCrypto", "LifeboatPipeline", "LifeboatSources", "LifeboatStorage",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "LifeboatPlanTests",
            dependencies: [
                "LifeboatPlan", "LifeboatAgent", "LifeboatCatalog", "LifeboatConfig", "LifeboatCore", "LifeboatCrypto",
                "LifeboatTestSupport", .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "LifeboatCLITests",
            dependencies: [
                "LifeboatCLI", "LifeboatAgent", "LifeboatCatalog", "LifeboatCore", "LifeboatCrypto",
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)

// Coverage-guided fuzz targets (libFuzzer), only when LIFEBOAT_FUZZ is set: scripts/fuzz.sh builds them
// with -sanitize=fuzzer in a scratch path of their own, so the normal build and tests never see them.
if Context.environment["LIFEBOAT_FUZZ"] != nil {
    package.targets.append(
        .executableTarget(
            name: "lifeboat-fuzz",
            dependencies: [
                "LifeboatCore", "LifeboatConfig", "LifeboatCrypto", "LifeboatPipeline", "LifeboatS3", "LifeboatSources",
                "LifeboatStorage",
            ],
            path: "Fuzz/Sources/lifeboat-fuzz"))
}

// Every target in the Swift 6 language mode: complete concurrency checking, data races are errors.
for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [.swiftLanguageMode(.v6)]
}
