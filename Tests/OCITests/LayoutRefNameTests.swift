import Foundation
import Testing

@testable import OCI

/// `org.opencontainers.image.ref.name` grammar, against umoci (which enforces the image-spec grammar when it tags).
@Suite("OCI layout ref names")
struct LayoutRefNameTests {
    static let names = [
        "latest", "v1.2.3", "a-b_c.d", "a--b", "a---b", "a__b", "a-_b", "_abc", "-abc", "abc_", "abc-", ".abc",
        "a:b@c+d", "a/b", "a//b", "/a", "a/", "A9", "x y", "é", "Q8gMFLzb8ys0MJPziwSmgQ", "_X264QzqBItj4A2P9jkMHA",
        "uERFTJYu5qNJnBp9IS2WJQ", "abc-_-def", "",
    ]

    @Test("agrees with umoci on what may be a ref name")
    func matchesUmoci() throws {
        let script = """
            set -e
            dir=$(mktemp -d)
            trap 'rm -rf "$dir"' EXIT
            umoci init --layout "$dir/l" >/dev/null
            while IFS= read -r name; do
                if [ -n "$name" ] && umoci new --image "$dir/l:$name" >/dev/null 2>&1; then echo yes; else echo no; fi
            done
            """
        let names = Self.names
        let input = Data((names.joined(separator: "\n") + "\n").utf8)
        let umoci = try run("/bin/sh", ["-c", script], input: input).split(separator: "\n").map { $0 == "yes" }
        try #require(umoci.count == names.count)
        for (name, accepted) in zip(names, umoci) {
            #expect(LayoutRefName.isValid(name) == accepted, "\(name.debugDescription): umoci says \(accepted)")
        }
    }
}
