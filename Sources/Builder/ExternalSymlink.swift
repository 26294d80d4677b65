import Foundation

/// Finds `copy` entries and `source_root` files that reach outside their project directory through a symlink.
///
/// flytekit's default builder copies both into the Docker build context with `shutil.copy`/`copytree`, which follow
/// symlinks, so a link to a file elsewhere on the machine puts that file's content into the image. imagespec follows
/// links that stay inside the project the same way, and refuses one that leaves it unless the user asks for it
/// (``BuildOptions/followExternalSymlinks``).
enum ExternalSymlink {
    /// The canonical absolute path of `path` (symlinks resolved), or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether the canonical `path` is `directory` or lies below it.
    static func isInside(_ path: String, _ directory: String) -> Bool {
        path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }

    /// Throws when `relative` (a path below `project`) resolves outside `project`, naming the first symlink on the
    /// way that leads out and its target (as stored in the link). `what` names the spec entry in the message (`copy entry 'data'`).
    static func check(_ relative: String, in project: String, what: String) throws(BuildError) {
        guard let projectReal = realPath(project) else { return }
        let full = (project as NSString).appendingPathComponent(relative)
        guard let resolved = realPath(full), !isInside(resolved, projectReal) else { return }
        var link = full
        var target = resolved
        var prefix = project
        for component in relative.split(separator: "/") where component != "." {
            prefix = (prefix as NSString).appendingPathComponent(String(component))
            if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: prefix),
                let real = realPath(prefix), !isInside(real, projectReal)
            {
                link = prefix
                target = destination
                break
            }
        }
        throw BuildError(
            .invalidSpec,
            "\(what): \(link) is a symlink to \(target), outside the project \(projectReal) — copy the file into the "
                + "project, or pass --follow-external-symlinks to put what it points at into the image")
    }
}
