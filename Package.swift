// swift-tools-version:6.0
import PackageDescription

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
        .target(name: "DomainKit"),
        .target(name: "Features", dependencies: ["DomainKit"]),
        .target(name: "Learners", dependencies: ["DomainKit", "Features"]),
        .target(name: "ModelStore", dependencies: [
            "DomainKit", "Features", "Learners", "ZstdKit",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Streaming", dependencies: ["DomainKit", "ModelStore", "Learners", "ZstdKit"]),
        .executableTarget(name: "domcat", dependencies: [
            "DomainKit", "Features", "Learners", "ModelStore", "Streaming", "ZstdKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "DomainKitTests", dependencies: ["DomainKit"]),
        .testTarget(name: "FeaturesTests", dependencies: ["Features"]),
        .testTarget(name: "LearnersTests", dependencies: ["Learners", "DomainKit", "Features"]),
        .testTarget(name: "ModelStoreTests", dependencies: ["ModelStore", "Learners", "DomainKit"]),
        .testTarget(name: "StreamingTests", dependencies: ["Streaming", "DomainKit", "ModelStore"]),
        .testTarget(name: "CLITests", dependencies: ["DomainKit"]),
    ],
    swiftLanguageModes: [.v5]
)
