import Foundation
import OCI
import Registry
import Testing

@Suite("registries.conf")
struct ConfigRegistriesTests {
    static let sample = #"""
        unqualified-search-registries = ["docker.io", "quay.io"]

        [[registry]]
        prefix = "ghcr.io"
        location = "127.0.0.1:5000"

        [[registry]]
        prefix = "example.com/foo"
        location = "internal.example.net/bar"

        [[registry.mirror]]
        location = "mirror-0.example.net/mirror-for-foo"

        [[registry.mirror]]
        location = "mirror-1.example.net/mirrors/foo"
        insecure = true

        [[registry]]
        prefix = "example.com"
        location = "all.example.net"

        [[registry]]
        location = "plain.example.org"
        insecure = true

        [[registry]]
        prefix = "*.wild.example"
        [[registry.mirror]]
        location = "wild-mirror.example/cache"

        [[registry]]
        prefix = "exact.wild.example"
        location = "exact-target.example"

        [[registry]]
        prefix = "quay.io/blocked-org"
        blocked = true

        [[registry]]
        prefix = "docker.io/library"
        location = "localhost:5001/hub"

        [[registry]]
        prefix = "digest.example"
        mirror-by-digest-only = true
        [[registry.mirror]]
        location = "digest-mirror.example"

        [[registry]]
        prefix = "modes.example"
        [[registry.mirror]]
        location = "m-digest.example"
        pull-from-mirror = "digest-only"
        [[registry.mirror]]
        location = "m-tag.example"
        pull-from-mirror = "tag-only"
        [[registry.mirror]]
        location = "m-all.example"
        """#

    static let digest = "sha256:" + String(repeating: "a", count: 64)

    struct ResolveCase: CustomTestStringConvertible, Sendable {
        let reference: String
        /// "host/repository" of the primary, then its base URL.
        let primary: String
        let baseURL: String
        /// Pull sources in order, "host/repository".
        let sources: [String]
        var testDescription: String { reference }
    }

    static let resolveCases: [ResolveCase] = [
        // No match: Docker Hub goes to its API host, over TLS.
        ResolveCase(
            reference: "alpine/git", primary: "registry-1.docker.io/alpine/git",
            baseURL: "https://registry-1.docker.io",
            sources: ["registry-1.docker.io/alpine/git"]),
        // Host prefix rewritten to a loopback registry: plain HTTP.
        ResolveCase(
            reference: "ghcr.io/acme/app:v1", primary: "127.0.0.1:5000/acme/app", baseURL: "http://127.0.0.1:5000",
            sources: ["127.0.0.1:5000/acme/app"]),
        // Namespace prefix: longest match wins over "example.com"; mirrors first, in order.
        ResolveCase(
            reference: "example.com/foo/image:latest", primary: "internal.example.net/bar/image",
            baseURL: "https://internal.example.net",
            sources: [
                "mirror-0.example.net/mirror-for-foo/image", "mirror-1.example.net/mirrors/foo/image",
                "internal.example.net/bar/image",
            ]),
        // Path-component boundary: "example.com/foobar" is not under "example.com/foo".
        ResolveCase(
            reference: "example.com/foobar/x", primary: "all.example.net/foobar/x", baseURL: "https://all.example.net",
            sources: ["all.example.net/foobar/x"]),
        // A prefix also matches the repository it names exactly.
        ResolveCase(
            reference: "example.com/foo", primary: "internal.example.net/bar", baseURL: "https://internal.example.net",
            sources: [
                "mirror-0.example.net/mirror-for-foo", "mirror-1.example.net/mirrors/foo", "internal.example.net/bar",
            ]),
        // Prefix defaults to location; insecure → plain HTTP for a non-loopback host.
        ResolveCase(
            reference: "plain.example.org/team/app", primary: "plain.example.org/team/app",
            baseURL: "http://plain.example.org", sources: ["plain.example.org/team/app"]),
        // Wildcard: any subdomain; the mirror replaces the matched host.
        ResolveCase(
            reference: "a.b.wild.example/x/y:1", primary: "a.b.wild.example/x/y", baseURL: "https://a.b.wild.example",
            sources: ["wild-mirror.example/cache/x/y", "a.b.wild.example/x/y"]),
        // An exact host beats a wildcard.
        ResolveCase(
            reference: "exact.wild.example/x", primary: "exact-target.example/x",
            baseURL: "https://exact-target.example",
            sources: ["exact-target.example/x"]),
        // A wildcard does not match the bare domain.
        ResolveCase(
            reference: "wild.example/x", primary: "wild.example/x", baseURL: "https://wild.example",
            sources: ["wild.example/x"]),
        // Docker Hub library namespace rewritten to a loopback registry.
        ResolveCase(
            reference: "ubuntu:22.04", primary: "localhost:5001/hub/ubuntu", baseURL: "http://localhost:5001",
            sources: ["localhost:5001/hub/ubuntu"]),
        // Loopback without any rule: plain HTTP; other hosts TLS.
        ResolveCase(
            reference: "localhost:5000/x", primary: "localhost:5000/x", baseURL: "http://localhost:5000",
            sources: ["localhost:5000/x"]),
        ResolveCase(
            reference: "127.0.0.9:8080/a/b", primary: "127.0.0.9:8080/a/b", baseURL: "http://127.0.0.9:8080",
            sources: ["127.0.0.9:8080/a/b"]),
        ResolveCase(
            reference: "[::1]:5000/a", primary: "[::1]:5000/a", baseURL: "http://[::1]:5000", sources: ["[::1]:5000/a"]),
        ResolveCase(
            reference: "128.0.0.1:5000/a", primary: "128.0.0.1:5000/a", baseURL: "https://128.0.0.1:5000",
            sources: ["128.0.0.1:5000/a"]),
        ResolveCase(
            reference: "quay.io/ok-org/x", primary: "quay.io/ok-org/x", baseURL: "https://quay.io",
            sources: ["quay.io/ok-org/x"]),
        // mirror-by-digest-only: no mirror for a tag, mirror for a digest.
        ResolveCase(
            reference: "digest.example/r:tag", primary: "digest.example/r", baseURL: "https://digest.example",
            sources: ["digest.example/r"]),
        ResolveCase(
            reference: "digest.example/r@\(digest)", primary: "digest.example/r", baseURL: "https://digest.example",
            sources: ["digest-mirror.example/r", "digest.example/r"]),
        // pull-from-mirror per mirror.
        ResolveCase(
            reference: "modes.example/r:tag", primary: "modes.example/r", baseURL: "https://modes.example",
            sources: ["m-tag.example/r", "m-all.example/r", "modes.example/r"]),
        ResolveCase(
            reference: "modes.example/r@\(digest)", primary: "modes.example/r", baseURL: "https://modes.example",
            sources: ["m-digest.example/r", "m-all.example/r", "modes.example/r"]),
    ]

    @Test("resolve", arguments: resolveCases)
    func resolve(_ testCase: ResolveCase) throws {
        let configuration = try RegistriesConfiguration(parsing: Self.sample, path: "/test/registries.conf")
        let resolved = try configuration.resolve(try Reference(testCase.reference))
        #expect(resolved.primary.description == testCase.primary)
        #expect(resolved.primary.baseURL == testCase.baseURL)
        #expect(resolved.pullSources.map(\.description) == testCase.sources)
        #expect(resolved.pullSources.last == resolved.primary)
    }

    @Test("insecure applies per location and per mirror")
    func insecure() throws {
        let configuration = try RegistriesConfiguration(parsing: Self.sample, path: "/test/registries.conf")
        let resolved = try configuration.resolve(try Reference("example.com/foo/image"))
        #expect(resolved.pullSources.map(\.insecure) == [false, true, false])
        #expect(
            resolved.pullSources.map(\.baseURL) == [
                "https://mirror-0.example.net", "http://mirror-1.example.net", "https://internal.example.net",
            ])
        #expect(resolved.matchedPrefix == "example.com/foo")
        #expect(configuration.unqualifiedSearchRegistries == ["docker.io", "quay.io"])
        #expect(configuration.endpoint(forHost: "plain.example.org").baseURL == "http://plain.example.org")
        #expect(configuration.endpoint(forHost: "docker.io").host == "registry-1.docker.io")
    }

    @Test("addingInsecureHosts makes every endpoint on those hosts insecure, wherever it comes from")
    func insecureHostsAdded() throws {
        let base = try RegistriesConfiguration(parsing: Self.sample, path: "/test/registries.conf")
        let configuration = base.addingInsecureHosts(["internal.example.net", "Quay.io"])
        #expect(configuration.insecureHosts == ["internal.example.net", "quay.io"])
        let foo = try configuration.resolve(try Reference("example.com/foo/image"))
        #expect(
            foo.pullSources.map(\.baseURL) == [
                "https://mirror-0.example.net", "http://mirror-1.example.net", "http://internal.example.net",
            ])
        #expect(try configuration.resolve(try Reference("quay.io/ok-org/x")).primary.baseURL == "http://quay.io")
        #expect(try base.resolve(try Reference("quay.io/ok-org/x")).primary.baseURL == "https://quay.io")
        #expect(configuration.endpoint(forHost: "quay.io").insecure)
        #expect(!base.endpoint(forHost: "quay.io").insecure)
        #expect(configuration.path == base.path)
    }

    @Test("defaults: no rewriting; loopback is plain HTTP")
    func defaults() throws {
        let configuration = RegistriesConfiguration()
        let hub = try configuration.resolve(try Reference("ubuntu"))
        #expect(hub.primary == RegistryEndpoint(host: "registry-1.docker.io", repository: "library/ubuntu"))
        #expect(hub.primary.baseURL == "https://registry-1.docker.io")
        #expect(hub.matchedPrefix == nil)
        #expect(try configuration.resolve(try Reference("ghcr.io/a/b")).primary.baseURL == "https://ghcr.io")
        #expect(try configuration.resolve(try Reference("127.0.0.1:5000/a")).primary.usesTLS == false)
    }

    @Test("a blocked prefix is a clear error")
    func blocked() throws {
        let configuration = try RegistriesConfiguration(parsing: Self.sample, path: "/test/registries.conf")
        let error = #expect(throws: RegistryError.self) {
            _ = try configuration.resolve(try Reference("quay.io/blocked-org/tool:1"))
        }
        #expect(error?.kind == .blocked)
        #expect(
            error?.description
                == "quay.io/blocked-org/tool:1 is blocked by [[registry]] #7 (prefix \"quay.io/blocked-org\") in "
                + "/test/registries.conf — remove `blocked = true` there, or use another registry")
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        let label: String
        let toml: String
        let expected: String
        var testDescription: String { label }
    }

    static let badCases: [BadCase] = [
        BadCase(
            label: "syntax error with line and column", toml: "[[registry]]\nprefix = \"a.example\"\nlocation = \n",
            expected: "/etc/x/registries.conf:3:12: invalid TOML: Error while parsing key-value pair: expected value, "
                + "saw '\\n' — fix the syntax"),
        BadCase(
            label: "unterminated string", toml: "[[registry]]\nprefix = \"a.example\n",
            expected: "/etc/x/registries.conf:2:20: invalid TOML: Error while parsing string: unescaped control "
                + "characters other than TAB (U+0009) are explicitly prohibited — fix the syntax"),
        BadCase(
            label: "wrong type", toml: "[[registry]]\nprefix = \"a.example\"\ninsecure = \"yes\"\n",
            expected: "/etc/x/registries.conf: registry[0].insecure: expected true or false"),
        BadCase(
            label: "prefix is a number", toml: "[[registry]]\nprefix = 5\n",
            expected: "/etc/x/registries.conf:2:10: a registries.conf value is a quoted string, true/false, an array "
                + "or a table, saw '5' (numbers, dates and times are not used) — quote the value"),
        BadCase(
            label: "mirror is a string", toml: "[[registry]]\nprefix = \"a.example\"\nmirror = \"m.example\"\n",
            expected: "/etc/x/registries.conf: registry[0].mirror: expected a list"),
        BadCase(
            label: "registry is not a table array", toml: "registry = \"5\"\n",
            expected: "/etc/x/registries.conf: registry: expected"),
        // Found by Fuzz/FuzzRegistriesConf: toml++ asserted in its date-time parser (SIGABRT with a backtrace).
        BadCase(
            label: "malformed date-time value (fuzzer input)", toml: "u=1979-05-27T'07:32:00Z\n",
            expected: "/etc/x/registries.conf:1:3: a registries.conf value is a quoted string, true/false, an array "
                + "or a table, saw '1'"),
        BadCase(
            label: "number inside an array of an inline table",
            toml:
                "[[registry]]\nprefix = \"a.example\"\nmirror = [\n  { location = \"m.example\", x = [ true,\n -1 ] },\n]\n",
            expected: "/etc/x/registries.conf:5:2: a registries.conf value is a quoted string, true/false, an array "
                + "or a table, saw '-'"),
        BadCase(
            label: "URL scheme in location",
            toml: "[[registry]]\nprefix = \"a.example\"\nlocation = \"https://b.example\"\n",
            expected: "/etc/x/registries.conf: [[registry]] #1: location \"https://b.example\" has a URL scheme"),
        BadCase(
            label: "neither prefix nor location", toml: "[[registry]]\ninsecure = true\n",
            expected: "/etc/x/registries.conf: [[registry]] #1: has neither prefix nor location"),
        BadCase(
            label: "wildcard with location", toml: "[[registry]]\nprefix = \"*.a.example\"\nlocation = \"b.example\"\n",
            expected:
                "/etc/x/registries.conf: [[registry]] #1: a wildcard prefix (\"*.a.example\") cannot have a location"),
        BadCase(
            label: "misplaced wildcard", toml: "[[registry]]\nprefix = \"a.*.example\"\n",
            expected: "/etc/x/registries.conf: [[registry]] #1: prefix \"a.*.example\" has a * that"),
        BadCase(
            label: "mirror without location",
            toml: "[[registry]]\nprefix = \"a.example\"\n[[registry.mirror]]\ninsecure = true\n",
            expected: "/etc/x/registries.conf: [[registry]] #1: mirror #1 has no location"),
        BadCase(
            label: "bad pull-from-mirror",
            toml:
                "[[registry]]\nprefix = \"a.example\"\n[[registry.mirror]]\nlocation = \"m.example\"\npull-from-mirror = \"sometimes\"\n",
            expected: "/etc/x/registries.conf: [[registry]] #1: mirror #1 has pull-from-mirror = \"sometimes\""),
        BadCase(
            label: "version 1 insecure list", toml: "[registries.insecure]\nregistries = ['r.example']\n",
            expected: "/etc/x/registries.conf: [registries.insecure] is the version 1 format, which is not supported "
                + "— write a [[registry]] table per host with insecure = true"),
        BadCase(
            label: "version 1 block list", toml: "[registries.block]\nregistries = ['r.example']\n",
            expected: "/etc/x/registries.conf: [registries.block] is the version 1 format"),
        BadCase(
            label: "tag prefix", toml: "[[registry]]\nprefix = \"a.example/repo:tag\"\n",
            expected: "/etc/x/registries.conf: [[registry]] #1: prefix \"a.example/repo:tag\" names a tag or digest"),
        // Found by Fuzz/FuzzRegistriesConf (this is its input, made UTF-8): toml++ asserted (SIGABRT with a
        // backtrace) on a table header whose key starts with a character that cannot start a key.
        BadCase(
            label: "table header starting with a non-key character (fuzzer input)",
            toml: "short-name-mode = \"enf.orcing\"\n\n[[@registry]]\nprefix = \"*.example.c\u{FFFD}m\"\n"
                + "location = \"registry.example.com\"\n`locked = true\n\n[[registry]]\nlocation*= \"ghcr.io\"\n"
                + "ins-mode = \"ense\n",
            expected: "/etc/x/registries.conf:3:3: invalid TOML: a table header must start with a key (letters, "
                + "digits, _ or -, or a quoted string), saw '@' — fix the syntax"),
        BadCase(
            label: "array table header with a third bracket (fuzzer input)",
            toml: "[[registry]]\nlocation = \"docker.io\"\n\n[[[registries.search]ocation = \"mirror.gcr.io\"\n",
            expected: "/etc/x/registries.conf:4:3: invalid TOML: a table header must start with a key"),
        BadCase(
            label: "table header broken by a line break (reduced fuzzer input)",
            toml: "# comment \"j\"\"\n[\nZregistry]]\nprefix = \"qu\"\n",
            expected: "/etc/x/registries.conf:2:2: invalid TOML: a table header must start with a key (letters, "
                + "digits, _ or -, or a quoted string), saw a line break — fix the syntax"),
        BadCase(
            label: "table header starting with a non-key character", toml: "[ *x]\nlocation = \"a\"\n",
            expected: "/etc/x/registries.conf:1:3: invalid TOML: a table header must start with a key"),
        // Found by Fuzz/FuzzRegistriesConf (its input, whole): after a UTF-8 byte order mark, which toml++ skips, the
        // header scan did not see the first line's `[`, and toml++ asserted on it.
        BadCase(
            label: "table header after a byte order mark (fuzzer input)", toml: "\u{FEFF}[,",
            expected: "/etc/x/registries.conf:1:2: invalid TOML: a table header must start with a key"),
        // Found by Fuzz/FuzzRegistriesConf (reduced from 40 `[` and 100 `}`): toml++ asserted in parse_value.
        BadCase(
            label: "array closed by a brace (reduced fuzzer input)", toml: "h=[[[}}}",
            expected: "/etc/x/registries.conf:1:6: invalid TOML: '}' does not close the innermost open [ or { — fix "
                + "the brackets"),
        // Found by Fuzz/FuzzRegistriesConf: `[` and two combining marks are one Character, so a scan by Characters
        // did not see the header, and toml++ asserted in parse_key.
        BadCase(
            label: "table header key starting with a combining mark (fuzzer input)", toml: "[\u{061A}\u{061A}s\u{0}g",
            expected: "/etc/x/registries.conf:1:2: invalid TOML: a table header must start with a key (letters, "
                + "digits, _ or -, or a quoted string), saw U+61A"),
        BadCase(
            label: "a brace where a value is due", toml: "a = }\n",
            expected: "/etc/x/registries.conf:1:5: invalid TOML: '}' does not close"),
        BadCase(
            label: "inline table closed by a bracket", toml: "[[registry]]\nmirror = [ { location = \"m\" ] ]\n",
            expected: "/etc/x/registries.conf:2:29: invalid TOML: ']' does not close"),
    ]

    @Test("a multi-line string or array value is not mistaken for a table header")
    func notTableHeaders() throws {
        let marked = try RegistriesConfiguration(
            parsing: "\u{FEFF}[[registry]]\nprefix = \"a.example\"\nlocation = \"b.example\"\n", path: "/c.conf")
        #expect(try marked.resolve(try Reference("a.example/x")).primary.host == "b.example")
        let configuration = try RegistriesConfiguration(
            parsing: "unqualified-search-registries = [\n  \"a.example\",\n  \"\"\"\n[@x]\n\"\"\",\n]\n",
            path: "/c.conf")
        #expect(configuration.unqualifiedSearchRegistries == ["a.example", "[@x]\n"])
        // A nested array on its own line is a value, not a header: whatever is wrong with it, toml++ says so.
        let error = #expect(throws: RegistryError.self) {
            _ = try RegistriesConfiguration(
                parsing: "unqualified-search-registries = [ # [@ in a comment\n  [[\"a\"]],\n  \"b[\",\n]\n",
                path: "/c.conf")
        }
        #expect(error?.description.contains("table header") == false, "\(String(describing: error))")
    }

    @Test("the value prefilter keeps strings, booleans, arrays and inline tables, with ports and digits in them")
    func valueKindsAccepted() throws {
        let configuration = try RegistriesConfiguration(
            parsing: "unqualified-search-registries = [\"a.example:5000\", # 5000\n  'b.example',\n]\n"
                + "[[registry]]\nprefix = \"a.example\"\nlocation = \"b.example:5000\" # = 5000\n"
                + "blocked = false\nmirror = [ { location = \"m.example:5000\", insecure = true } ]\n"
                + "[aliases]\n\"app1\" = \"a.example/team/app1\"\n",
            path: "/c.conf")
        #expect(configuration.unqualifiedSearchRegistries == ["a.example:5000", "b.example"])
        #expect(configuration.prefixes == ["a.example"])
    }

    @Test("invalid files: one line naming the file and the problem", arguments: badCases)
    func invalid(_ testCase: BadCase) throws {
        let error = #expect(throws: RegistryError.self) {
            _ = try RegistriesConfiguration(parsing: testCase.toml, path: "/etc/x/registries.conf")
        }
        let description = try #require(error).description
        #expect(error?.kind == .configuration)
        #expect(description.hasPrefix(testCase.expected), "\(description)")
        #expect(!description.contains("\n"))
        #expect(description.contains(" — "), "no fix in: \(description)")
    }

    @Test("a location that rewrites to an invalid repository is an error at resolve time")
    func invalidRewrite() throws {
        let configuration = try RegistriesConfiguration(
            parsing: "[[registry]]\nprefix = \"a.example/team\"\nlocation = \"b.example/UPPER\"\n", path: "/c.conf")
        let error = #expect(throws: RegistryError.self) {
            _ = try configuration.resolve(try Reference("a.example/team/app"))
        }
        #expect(error?.description.hasPrefix("/c.conf: [[registry]] #1 (prefix \"a.example/team\") rewrites") == true)
    }

    @Test("load: IMAGESPEC_REGISTRIES_CONF, then ~/.config, then the system file, else defaults")
    func load() throws {
        let directory = try AuthTestDirectory("regconf")
        defer { directory.remove() }
        let explicit = try directory.write(
            "[[registry]]\nprefix = \"ghcr.io\"\nlocation = \"127.0.0.1:5999\"\n", to: "explicit.conf")
        let user = try directory.write(
            "[[registry]]\nprefix = \"ghcr.io\"\nlocation = \"127.0.0.1:5888\"\n",
            to: "home/.config/containers/registries.conf")
        let system = try directory.write(
            "[[registry]]\nprefix = \"ghcr.io\"\nlocation = \"127.0.0.1:5777\"\n", to: "etc/registries.conf")
        let reference = try Reference("ghcr.io/a/b")

        let fromExplicit = try RegistriesConfiguration.load(
            environment: ["IMAGESPEC_REGISTRIES_CONF": explicit, "HOME": directory.file("home")], systemPath: system)
        #expect(fromExplicit.path == explicit)
        #expect(try fromExplicit.resolve(reference).primary.host == "127.0.0.1:5999")

        let fromUser = try RegistriesConfiguration.load(
            environment: ["HOME": directory.file("home")], systemPath: system)
        #expect(fromUser.path == user)
        #expect(try fromUser.resolve(reference).primary.host == "127.0.0.1:5888")

        let fromSystem = try RegistriesConfiguration.load(
            environment: ["HOME": directory.file("nohome")], systemPath: system)
        #expect(try fromSystem.resolve(reference).primary.host == "127.0.0.1:5777")

        let none = try RegistriesConfiguration.load(
            environment: ["HOME": directory.file("nohome")], systemPath: directory.file("missing.conf"))
        #expect(none.path == nil)
        #expect(try none.resolve(reference).primary.host == "ghcr.io")

        let error = #expect(throws: RegistryError.self) {
            _ = try RegistriesConfiguration.load(
                environment: ["IMAGESPEC_REGISTRIES_CONF": directory.file("typo.conf")], systemPath: system)
        }
        #expect(
            error?.description.contains(
                "IMAGESPEC_REGISTRIES_CONF is \(directory.file("typo.conf")), which does not exist") == true)
    }

    @Test(
        "the installed /etc/containers/registries.conf (if any) parses",
        .enabled(if: FileManager.default.fileExists(atPath: "/etc/containers/registries.conf")))
    func systemFile() throws {
        let configuration = try RegistriesConfiguration(contentsOf: "/etc/containers/registries.conf")
        #expect(configuration.path == "/etc/containers/registries.conf")
        _ = try configuration.resolve(try Reference("ubuntu"))
    }
}
