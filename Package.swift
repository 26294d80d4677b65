// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6)
]

let package = Package(
    name: "imagespec",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "imagespec", targets: ["imagespec"]),
        .library(name: "OCI", targets: ["OCI"]),
        .library(name: "Registry", targets: ["Registry"]),
        .library(name: "Spec", targets: ["Spec"]),
        .library(name: "Layers", targets: ["Layers"]),
        .library(name: "Destinations", targets: ["Destinations"]),
        .library(name: "Builder", targets: ["Builder"]),
        .library(name: "GoogleCloud", targets: ["GoogleCloud"]),
        .library(name: "Runner", targets: ["Runner"]),
        .library(name: "Debian", targets: ["Debian"]),
    ],
    // Pinned to the versions this machine (and CI) resolves: Package.resolved cannot be committed here, so each range
    // admits patch releases only. Bump deliberately, together with README "Dependencies".
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", .upToNextMinor(from: "1.8.2")),
        .package(url: "https://github.com/apple/swift-log", .upToNextMinor(from: "1.16.2")),
        .package(url: "https://github.com/apple/swift-crypto", .upToNextMinor(from: "4.5.2")),
        .package(url: "https://github.com/apple/swift-nio", .upToNextMinor(from: "2.101.3")),
        .package(url: "https://github.com/jpsim/Yams", .upToNextMinor(from: "6.2.2")),
        .package(url: "https://github.com/swift-server/async-http-client", .upToNextMinor(from: "1.37.0")),
        .package(url: "https://github.com/LebJe/TOMLKit", .upToNextMinor(from: "0.6.0")),
        .package(url: "https://github.com/swiftlang/swift-subprocess", .upToNextMinor(from: "1.0.2")),
    ],
    targets: [
        // System libraries
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // The git commit `imagespec --version` prints; scripts/build-release.sh supplies it (empty otherwise).
        .target(name: "CBuildInfo"),

        // Small shared helpers that are not model: bounded task groups, text helpers, EINTR-safe read/write, and how
        // child processes are started (ChildLifetime).
        .target(
            name: "Support", dependencies: [.product(name: "Subprocess", package: "swift-subprocess")],
            swiftSettings: swiftSettings),
        // Pure model: references, digests, manifests, configs. No I/O.
        .target(
            name: "OCI",
            dependencies: ["Support", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Distribution client: auth chain, blobs, manifests, retries.
        .target(
            name: "Registry",
            dependencies: [
                "OCI", "Support",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: swiftSettings
        ),
        // The ImageSpec model, YAML/JSON loading and flytekit-identical naming.
        .target(
            name: "Spec",
            dependencies: [
                "OCI", "Support",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Google Artifact Registry: naming, Application Default Credentials, Artifact Registry API.
        .target(
            name: "GoogleCloud",
            dependencies: [
                "OCI", "Registry",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Reproducible tar writer, gzip/zstd, streaming digests.
        .target(
            name: "Layers",
            dependencies: [
                "OCI", "Support", "CZlib", "CZstd",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Debian packages without running them: control files, sources, dpkg's filters and status, maintainer-script
        // evaluation, update-alternatives and ld.so.cache emulation. Reads images through ImageFileSystem only.
        .target(name: "Debian", swiftSettings: swiftSettings),
        // Runs a command in an image's root file system (overlay + namespaces) and turns the changes into a layer.
        .target(
            name: "Runner",
            dependencies: [
                "OCI", "Layers", "Support",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Where images are written besides a registry: OCI layouts and docker archives (Registry.ImageSink).
        .target(
            name: "Destinations",
            dependencies: ["OCI", "Registry", "Layers", "Support"],
            swiftSettings: swiftSettings
        ),
        // Plan → layers → image → destination (registry, OCI layout, docker-archive).
        .target(
            name: "Builder",
            dependencies: [
                "OCI", "Registry", "Spec", "Layers", "Destinations", "Support", "Runner",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command-line tool: thin, no logic of its own.
        .executableTarget(
            name: "imagespec",
            dependencies: [
                "OCI", "Registry", "Spec", "Layers", "Destinations", "Builder", "GoogleCloud", "Support", "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test helpers: real registry fixtures (docker-registry, token server) and an in-process fake server.
        .target(
            name: "TestSupport",
            dependencies: [
                "OCI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "OCITests", dependencies: ["OCI"], swiftSettings: swiftSettings),
        .testTarget(name: "DebianTests", dependencies: ["Debian", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RegistryTests",
            dependencies: ["Registry", "OCI", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SpecTests", dependencies: ["Spec", "TestSupport"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "OCI", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "RunnerTests", dependencies: ["Runner", "Layers", "OCI", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BuilderTests",
            dependencies: ["Builder", "Destinations", "OCI", "Registry", "Spec", "Layers", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "GoogleCloudTests", dependencies: ["GoogleCloud", "Registry", "OCI", "TestSupport"],
            swiftSettings: swiftSettings),
        // A library user's view: Builder and GoogleCloud without the CLI, against a real registry.
        .testTarget(
            name: "LibraryUseTests",
            dependencies: ["Builder", "GoogleCloud", "Registry", "Spec", "OCI", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "CLITests", dependencies: ["OCI", "TestSupport"], swiftSettings: swiftSettings),
        // The flytekit/union plugin (python/) driven through real pyflyte/union from the venv.
        .testTarget(name: "PluginTests", dependencies: ["OCI", "TestSupport"], swiftSettings: swiftSettings),
    ]
)
