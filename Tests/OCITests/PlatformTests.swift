import Foundation
import Testing

@testable import OCI

@Suite("Platform")
struct PlatformTests {
    static let parsed: [(String, String)] = [
        ("linux/amd64", "linux/amd64"),
        ("linux/x86_64", "linux/amd64"),
        ("linux/x86-64", "linux/amd64"),
        ("Linux/AMD64", "linux/amd64"),
        ("linux/aarch64", "linux/arm64"),
        ("linux/arm64", "linux/arm64"),
        ("linux/arm64/v8", "linux/arm64/v8"),
        ("linux/arm64/8", "linux/arm64/v8"),
        ("linux/arm64/v8.0", "linux/arm64/v8"),
        ("linux/armhf", "linux/arm/v7"),
        ("linux/armel", "linux/arm/v6"),
        ("linux/armv7l", "linux/arm/v7"),
        ("linux/arm", "linux/arm"),
        ("linux/arm/7", "linux/arm/v7"),
        ("linux/i386", "linux/386"),
        ("linux/i686", "linux/386"),
        ("linux/ppc64le", "linux/ppc64le"),
        ("linux/s390x", "linux/s390x"),
        ("windows/amd64", "windows/amd64"),
    ]

    @Test("parses and normalises os/arch[/variant]", arguments: parsed)
    func parses(_ input: String, _ expected: String) throws {
        #expect(try Platform(input).description == expected)
    }

    static let invalid: [(String, String)] = [
        ("linux", "expected \"os/arch\" or \"os/arch/variant\""),
        ("linux/arm64/v8/x", "expected \"os/arch\""),
        ("linux/", "architecture is empty"),
        ("/amd64", "os is empty"),
        ("linux/arm/", "variant is empty"),
        ("linux/am d64", "has invalid characters"),
    ]

    @Test("rejects malformed platforms", arguments: invalid)
    func rejects(_ input: String, _ phrase: String) {
        do {
            let platform = try Platform(input)
            Issue.record("expected an error, got \(platform)")
        } catch {
            #expect(error.message.hasPrefix("invalid platform \(String(reflecting: input)): "))
            #expect(error.message.contains(phrase), "\(error.message)")
        }
    }

    /// (offered by the image, wanted by the user, matches?)
    static let matching: [(Platform, String, Bool)] = [
        (Platform(os: "linux", architecture: "arm64", variant: "v8"), "linux/arm64", true),
        (Platform(os: "linux", architecture: "arm64"), "linux/arm64/v8", true),
        (Platform(os: "linux", architecture: "arm64", variant: "v9"), "linux/arm64/v8", false),
        (Platform(os: "linux", architecture: "arm64", variant: "v9"), "linux/arm64", true),
        (Platform(os: "linux", architecture: "arm", variant: "v6"), "linux/arm/v7", false),
        (Platform(os: "linux", architecture: "arm", variant: "v7"), "linux/arm", true),
        (Platform(os: "linux", architecture: "arm"), "linux/arm/v7", true),
        (Platform(os: "linux", architecture: "arm", variant: "v7"), "linux/armhf", true),
        (Platform(os: "linux", architecture: "amd64", variant: "v3"), "linux/amd64", true),
        (Platform(os: "linux", architecture: "amd64"), "linux/amd64/v2", false),
        (Platform(os: "linux", architecture: "amd64"), "linux/arm64", false),
        (Platform(os: "windows", architecture: "amd64"), "linux/amd64", false),
        (Platform(os: "linux", architecture: "x86_64"), "linux/amd64", true),
        (Platform(os: "linux", architecture: "aarch64"), "linux/arm64/v8", true),
        (Platform.unknown, "linux/amd64", false),
    ]

    @Test("matches offered platforms against wanted ones", arguments: matching)
    func matches(_ offered: Platform, _ wanted: String, _ expected: Bool) throws {
        #expect(offered.matches(try Platform(wanted)) == expected)
    }

    @Test func windowsOSVersionMustMatchWhenWanted() {
        let offered = Platform(os: "windows", architecture: "amd64", osVersion: "10.0.17763.1234")
        #expect(offered.matches(Platform(os: "windows", architecture: "amd64")))
        #expect(offered.matches(Platform(os: "windows", architecture: "amd64", osVersion: "10.0.17763.1234")))
        #expect(!offered.matches(Platform(os: "windows", architecture: "amd64", osVersion: "10.0.20348.1")))
    }

    @Test func codableUsesDottedKeys() throws {
        let json = Data(#"{"architecture":"amd64","os":"windows","os.features":["win32k"],"os.version":"10.0"}"#.utf8)
        let platform = try JSONDecoder().decode(Platform.self, from: json)
        #expect(platform.osVersion == "10.0")
        #expect(platform.osFeatures == ["win32k"])
        #expect(try CanonicalJSON.encode(platform) == json)
    }
}
