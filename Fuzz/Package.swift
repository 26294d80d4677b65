// swift-tools-version: 6.2
import PackageDescription

// libFuzzer targets for imagespec's parsers. Built only by scripts/fuzz.sh, with the fuzzer and address sanitizers on
// every module (including the main package's), into its own scratch path (.build-fuzz), so the normal build is
// untouched. Each executable is one fuzz target: its `LLVMFuzzerTestOneInput`, started by FuzzDriver from `@main`.
let package = Package(
    name: "imagespec-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "imagespec", path: "..")
    ],
    targets: [
        // libFuzzer's LLVMFuzzerRunDriver, which each target's @main calls (SwiftPM links the @main as `main`).
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzDriver", dependencies: ["CLibFuzzer"]),
        .executableTarget(
            name: "FuzzReference", dependencies: [.product(name: "OCI", package: "imagespec"), "FuzzDriver"]),
        .executableTarget(
            name: "FuzzAuthChallenge", dependencies: [.product(name: "Registry", package: "imagespec"), "FuzzDriver"]),
        .executableTarget(
            name: "FuzzSpecYAML", dependencies: [.product(name: "Spec", package: "imagespec"), "FuzzDriver"]),
        .executableTarget(
            name: "FuzzTar", dependencies: [.product(name: "Layers", package: "imagespec"), "FuzzDriver"]),
        .executableTarget(
            name: "FuzzRegistriesConf",
            dependencies: [
                .product(name: "Registry", package: "imagespec"), .product(name: "OCI", package: "imagespec"),
                "FuzzDriver",
            ]),
        .executableTarget(
            name: "FuzzDockerConfig", dependencies: [.product(name: "Registry", package: "imagespec"), "FuzzDriver"]),
    ],
    swiftLanguageModes: [.v6]
)
