// swift-tools-version:6.0
import PackageDescription

// The numeric hot loops index raw buffers whose bounds they establish themselves.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo", "-enforce-exclusivity=unchecked"], .when(configuration: .release))]
// Per-request paths keep their bounds checks but skip the run-time exclusivity bookkeeping on every
// property access of a class (measured: ~5% of serve's time); debug builds and tests still check it.
let lean: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Dependencies point one way, bottom to top (the README's layout section draws it):
//   Lines, DomainKit → Features → Learners → ModelStore → Cache → Streaming | Server → domcat, with Dashboard
//   (DomainKit, Learners: the live page's counters and routes) under Streaming
//   with Corpora (Lines, DomainKit), Training (ModelStore, Corpora), Registry (Training, SQLite) and Tuning (Training, Registry)
//   beside them — Server follows a Registry — Bench (DomainKit, NIO)
//   for the load generator, and the C shims CZstd, CHiredis, CFastText (+ FastTextKit), CSupport underneath.
let package = Package(
    name: "domcat",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "domcat", targets: ["domcat"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"4.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(name: "CZstd", path: "Sources/CZstd"),
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .target(name: "CSupport"),
        .target(name: "CFastText", linkerSettings: [.linkedLibrary("fasttext")]),
        .target(name: "FastTextKit", dependencies: ["CFastText"]),
        .target(name: "Lines", dependencies: ["CZstd"], swiftSettings: lean),
        .target(name: "DomainKit", swiftSettings: fast),
        .target(name: "Features", dependencies: ["DomainKit", "FastTextKit"], swiftSettings: fast),
        .target(name: "Learners", dependencies: ["DomainKit", "Features", "FastTextKit", "CSupport"], swiftSettings: fast),
        .target(name: "ModelStore", dependencies: [
            "DomainKit", "Features", "Learners", "FastTextKit", "Lines",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Cache", dependencies: [
            "CHiredis", "DomainKit", "Learners",
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: lean),
        .target(name: "Streaming", dependencies: [
            "Lines", "DomainKit", "Learners", "Cache", "Dashboard",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: lean),
        .target(name: "Server", dependencies: [
            "Lines", "DomainKit", "Learners", "ModelStore", "Cache", "Streaming", "Registry", "Dashboard",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: lean),
        .target(name: "Corpora", dependencies: ["Lines", "DomainKit"]),
        .target(name: "Dashboard", dependencies: ["Lines", "DomainKit", "Learners"], swiftSettings: lean),
        .target(name: "Registry", dependencies: ["CSQLite", "DomainKit", "Learners", "ModelStore", "Corpora", "Training", "Dashboard"]),
        .target(name: "Training", dependencies: ["Lines", "DomainKit", "Features", "Learners", "ModelStore", "Corpora", "FastTextKit"]),
        .target(name: "Tuning", dependencies: ["Lines", "DomainKit", "Features", "Learners", "ModelStore", "Corpora", "Training", "Registry"]),
        .target(name: "Bench", dependencies: [
            "DomainKit",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: lean),
        .executableTarget(name: "domcat", dependencies: [
            "Lines", "DomainKit", "Features", "Learners", "ModelStore", "Cache", "Streaming", "Server",
            "Corpora", "Training", "Bench", "Registry", "Dashboard", "Tuning",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LinesTests", dependencies: ["Lines"]),
        .testTarget(name: "DomainKitTests", dependencies: ["DomainKit"]),
        .testTarget(name: "FastTextKitTests", dependencies: ["FastTextKit"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features", "DomainKit"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "Features", "DomainKit"]),
        .testTarget(name: "ModelStoreTests", dependencies: [
            "ModelStore", "Learners", "Features", "DomainKit", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "CacheTests", dependencies: ["Cache", "Learners", "DomainKit", "TestSupport"]),
        .testTarget(name: "StreamingTests", dependencies: ["Streaming", "Cache", "Lines", "DomainKit", "Learners", "ModelStore", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Cache", "Bench", "DomainKit", "Learners", "ModelStore", "Streaming", "TestSupport", "Registry",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ]),
        .testTarget(name: "CorporaTests", dependencies: ["Corpora", "DomainKit"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "ModelStore", "Learners", "Features", "DomainKit", "Corpora"]),
        .testTarget(name: "CLITests", dependencies: ["DomainKit", "TestSupport"]),
        .testTarget(name: "RegistryTests", dependencies: ["Registry", "ModelStore", "DomainKit"]),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "DomainKit"]),

        // libFuzzer targets (README "Fuzzing", `make fuzz`): built with -DFUZZING and -sanitize=fuzzer,address
        // they are fuzzers; an ordinary build makes them replay drivers that run the files they are given.
        .systemLibrary(name: "CFuzzer", path: "Fuzz/CFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzer"], path: "Fuzz/FuzzSupport"),
        .target(name: "FuzzServing", dependencies: [
            "Server", "ModelStore", "DomainKit", "FuzzSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
        ], path: "Fuzz/FuzzServing"),
        .executableTarget(name: "FuzzLogFormats", dependencies: ["Streaming", "DomainKit", "FuzzSupport"], path: "Fuzz/FuzzLogFormats"),
        .executableTarget(name: "FuzzNames", dependencies: ["DomainKit", "FuzzSupport"], path: "Fuzz/FuzzNames"),
        .executableTarget(name: "FuzzModelFile", dependencies: [
            "ModelStore", "DomainKit", "Lines", "FuzzSupport",
            .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Fuzz/FuzzModelFile"),
        .executableTarget(name: "FuzzLineProtocol", dependencies: ["FuzzServing", "FuzzSupport", "Streaming"], path: "Fuzz/FuzzLineProtocol"),
        .executableTarget(name: "FuzzHTTP", dependencies: ["FuzzServing", "FuzzSupport"], path: "Fuzz/FuzzHTTP"),
    ],
    swiftLanguageModes: [.v5]
)
