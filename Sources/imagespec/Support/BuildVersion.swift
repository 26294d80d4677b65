import CBuildInfo

/// What `imagespec --version` prints: the release version and the git commit the binary was built from.
enum BuildVersion {
    /// The release version (bump together with python/pyproject.toml).
    static let version = "0.1.0"

    /// The git commit recorded by scripts/build-release.sh, or nil for a build that did not record one.
    static var commit: String? {
        let text = String(cString: imagespec_build_commit())
        return text.isEmpty ? nil : text
    }

    /// `0.1.0 (commit 0123abcd…)`, or `0.1.0 (unknown commit)` for a plain `swift build`.
    static var description: String {
        "\(version) (\(commit.map { "commit \($0)" } ?? "unknown commit"))"
    }
}
