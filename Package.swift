// swift-tools-version:6.0
import PackageDescription

// The numeric hot loops index raw buffers whose bounds they establish themselves.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo", "-enforce-exclusivity=unchecked"], .when(configuration: .release))]
// Per-request paths keep their bounds checks but skip the run-time exclusivity bookkeeping on every
// property access of a class (measured: ~5% of serve's time); debug builds and tests still check it.
let lean: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Dependencies point one way: domcat → Server/Streaming → ModelStore → Learners/Features → DomainKit.
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
        .target(name: "ZstdKit", dependencies: ["CZstd"]),
        .target(name: "DomainKit", swiftSettings: fast),
        .target(name: "CSupport"),
        .target(
            name: "CFastText",
            dependencies: [],
            linkerSettings: [.linkedLibrary("fasttext")]
        ),
        .target(name: "FastTextKit", dependencies: ["CFastText"]),
        .target(name: "Features", dependencies: ["DomainKit"], swiftSettings: fast),
        .target(name: "Learners", dependencies: ["DomainKit", "Features", "FastTextKit", "CSupport"], swiftSettings: fast),
        .target(name: "ModelStore", dependencies: [
            "DomainKit", "Features", "Learners", "ZstdKit", "FastTextKit",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Streaming", dependencies: [
            "DomainKit", "ModelStore", "Learners", "ZstdKit", "Cache",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: lean),
        .target(name: "Corpora", dependencies: ["DomainKit", "Streaming"]),
        .target(name: "Training", dependencies: ["DomainKit", "Features", "Learners", "ModelStore", "Corpora", "FastTextKit"]),
        .systemLibrary(name: "CHiredis", path: "Sources/CHiredis"),
        .target(name: "Cache", dependencies: [
            "CHiredis", "Learners",
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: lean),
        .target(name: "Server", dependencies: [
            "Cache", "DomainKit", "Learners", "ModelStore", "Streaming",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Atomics", package: "swift-atomics"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], swiftSettings: lean),
        .target(name: "Bench", dependencies: [
            "DomainKit",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: lean),
        .executableTarget(name: "domcat", dependencies: [
            "DomainKit", "Features", "Learners", "ModelStore", "Streaming", "Corpora", "Training", "ZstdKit",
            "Cache", "Server", "Bench",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "DomainKitTests", dependencies: ["DomainKit"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "DomainKit", "Features"]),
        .testTarget(name: "ModelStoreTests", dependencies: ["ModelStore", "Learners", "DomainKit"]),
        .testTarget(name: "StreamingTests", dependencies: ["Streaming", "DomainKit", "ModelStore"], exclude: ["Fixtures"]),
        .testTarget(name: "CorporaTests", dependencies: ["Corpora", "DomainKit"]),
        .testTarget(name: "CLITests", dependencies: ["DomainKit", "TestSupport"]),
        .testTarget(name: "FastTextKitTests", dependencies: ["FastTextKit"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CacheTests", dependencies: ["Cache", "Learners", "TestSupport"]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Cache", "Bench", "DomainKit", "Learners", "ModelStore", "Streaming", "TestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "ModelStore", "Learners", "Features", "DomainKit", "Corpora"]),
    ],
    swiftLanguageModes: [.v5]
)
