// swift-tools-version:6.0
import PackageDescription

// The numeric hot loops index raw buffers whose bounds they establish themselves.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]

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
    ],
    targets: [
        .systemLibrary(name: "CZstd", path: "Sources/CZstd"),
        .target(name: "ZstdKit", dependencies: ["CZstd"]),
        .target(name: "DomainKit", swiftSettings: fast),
        .target(
            name: "CFastText",
            dependencies: [],
            linkerSettings: [.linkedLibrary("fasttext")]
        ),
        .target(name: "FastTextKit", dependencies: ["CFastText"]),
        .target(name: "Features", dependencies: ["DomainKit"], swiftSettings: fast),
        .target(name: "Learners", dependencies: ["DomainKit", "Features", "FastTextKit"], swiftSettings: fast),
        .target(name: "ModelStore", dependencies: [
            "DomainKit", "Features", "Learners", "ZstdKit", "FastTextKit",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Streaming", dependencies: ["DomainKit", "ModelStore", "Learners", "ZstdKit"]),
        .target(name: "Corpora", dependencies: ["DomainKit", "Streaming"]),
        .target(name: "Training", dependencies: ["DomainKit", "Features", "Learners", "ModelStore", "Corpora", "FastTextKit"]),
        .executableTarget(name: "domcat", dependencies: [
            "DomainKit", "Features", "Learners", "ModelStore", "Streaming", "Corpora", "Training", "ZstdKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "DomainKitTests", dependencies: ["DomainKit"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "DomainKit", "Features"]),
        .testTarget(name: "ModelStoreTests", dependencies: ["ModelStore", "Learners", "DomainKit"]),
        .testTarget(name: "StreamingTests", dependencies: ["Streaming", "DomainKit", "ModelStore"], exclude: ["Fixtures"]),
        .testTarget(name: "CorporaTests", dependencies: ["Corpora", "DomainKit"]),
        .testTarget(name: "CLITests", dependencies: ["DomainKit"]),
        .testTarget(name: "FastTextKitTests", dependencies: ["FastTextKit"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "ModelStore", "Learners", "Features", "DomainKit", "Corpora"]),
    ],
    swiftLanguageModes: [.v5]
)
