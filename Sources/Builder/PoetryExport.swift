import Foundation

/// A Poetry project turned into what `uv pip install` takes, without running Poetry or any project code.
///
/// flytekit's default builder runs `poetry install --no-root` in the image. The equivalent here, for the image's
/// platform: the project's requirements (``PoetryProject``: main plus the non-optional groups, no extras) are
/// installed with every locked package pinned as a constraint (`name==version`, with the lock's markers when it
/// locks a name more than once), so uv picks exactly the locked versions and evaluates every marker for the image's
/// platform and Python. After the install, ``verify(installedIn:)`` checks that nothing outside the lock was
/// installed.
public struct PoetryExport: Sendable, Hashable {
    /// Requirement lines (`-r`).
    public var requirements: [String]
    /// Constraint lines (`-c`).
    public var constraints: [String]
    /// Index URLs of packages locked from another index (`[package.source] type = "legacy"`), for
    /// `--extra-index-url`.
    public var extraIndexURLs: [String]
    /// Locked versions by normalised name.
    public var locked: [String: [String]]
    /// The lock file (for messages).
    public var lockPath: String

    /// Reads `lockPath` and the `pyproject.toml` next to it.
    public init(lockPath: String) throws(BuildError) {
        let project = ((lockPath as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent("pyproject.toml")
        try self.init(
            lock: try PoetryLock(contentsOf: lockPath), project: try PoetryProject(contentsOf: project),
            lockPath: lockPath)
    }

    /// Combines a parsed lock and project.
    public init(lock: PoetryLock, project: PoetryProject, lockPath: String) throws(BuildError) {
        self.lockPath = lockPath
        requirements = project.requirements
        var byName: [String: [PoetryLock.Package]] = [:]
        for package in lock.packages {
            byName[package.normalizedName, default: []].append(package)
        }
        var constraints: [String] = []
        var indexes: [String] = []
        for package in lock.packages {
            switch package.sourceType {
            case nil, "legacy"?, "pypi"?:
                if package.sourceType == "legacy", let url = package.sourceURL, !indexes.contains(url) {
                    indexes.append(url)
                }
            case let type?:
                throw BuildError(
                    .invalidSpec,
                    "requirements: \(lockPath) locks \(package.name) \(package.version) from a \(type) source, "
                        + "which imagespec build cannot install (wheels from package indexes only) — publish it to "
                        + "an index as a wheel and lock again")
            }
            var line = "\(package.name)==\(package.version)"
            if byName[package.normalizedName]!.count > 1 {
                guard let marker = package.marker, !marker.isEmpty else {
                    throw BuildError(
                        .invalidSpec,
                        "requirements: \(lockPath) locks several versions of \(package.name) without the markers "
                            + "that tell them apart (lock-version \(lock.lockVersion ?? "unknown")) — lock again "
                            + "with Poetry 2 (lock-version 2.1)")
                }
                line += " ; " + marker
            }
            constraints.append(line)
        }
        self.constraints = constraints
        extraIndexURLs = indexes
        locked = byName.mapValues { $0.map(\.version) }
    }

    /// Checks that every distribution in the staging tree `directory` (its top-level `*.dist-info`) is locked with
    /// the installed version.
    ///
    /// - Throws: ``BuildError`` of kind ``BuildError/Kind/installFailed`` naming the first one that is not.
    public func verify(installedIn directory: String) throws(BuildError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for info in names.sorted() where info.hasSuffix(".dist-info") {
            let stem = info.dropLast(".dist-info".count)
            guard let dash = stem.firstIndex(of: "-") else { continue }
            let name = PoetryLock.normalize(String(stem[..<dash]))
            let version = String(stem[stem.index(after: dash)...])
            guard let versions = locked[name] else {
                throw BuildError(
                    .installFailed,
                    "requirements: uv installed \(name) \(version), which \(lockPath) does not lock — the lock is "
                        + "out of date with pyproject.toml; run poetry lock")
            }
            guard versions.contains(where: { Self.sameVersion($0, version) }) else {
                throw BuildError(
                    .installFailed,
                    "requirements: uv installed \(name) \(version), but \(lockPath) locks "
                        + "\(versions.joined(separator: ", ")) — run poetry lock")
            }
        }
    }

    /// Whether two version strings name the same version, up to case and trailing `.0` release parts.
    static func sameVersion(_ first: String, _ second: String) -> Bool {
        func normal(_ text: String) -> String {
            let lowered = text.lowercased().trimmingCharacters(in: .whitespaces)
            let body = lowered.hasPrefix("v") ? String(lowered.dropFirst()) : lowered
            let releaseEnd = body.firstIndex { !($0.isNumber || $0 == ".") } ?? body.endIndex
            var release = body[..<releaseEnd].split(separator: ".").map { String(Int($0) ?? 0) }
            while release.count > 1, release.last == "0" { release.removeLast() }
            return release.joined(separator: ".") + body[releaseEnd...]
        }
        return normal(first) == normal(second)
    }
}
