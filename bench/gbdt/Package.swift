// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "gbdtbench", targets: [
    .target(name: "GBDTCore"),
    .executableTarget(name: "gbdtbench", dependencies: ["GBDTCore"]),
], swiftLanguageModes: [.v5])
