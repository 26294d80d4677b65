/// Normalisation and safety checks for paths inside a layer.
///
/// A layer path is relative (no leading `/` or `./`), uses `/` as separator, has no empty, `.` or `..` components,
/// no trailing slash, no NUL byte, and is valid UTF-8 (it is a Swift `String`).
public enum LayerPath {
    /// Returns the normalised form of `path` or throws when it could point outside the layer.
    ///
    /// `.` components, duplicate slashes, a leading `./` and a trailing `/` are removed. An absolute path, a `..`
    /// component, a NUL byte or a path that is empty after normalisation is refused.
    ///
    /// - Parameter what: how the path is named in the error message ("entry path", "hardlink target", …).
    public static func normalise(_ path: String, what: String = "layer path") throws(LayerError) -> String {
        if path.utf8.first == UInt8(ascii: "/") {
            throw LayerError(
                .invalidPath, "\(what) \"\(path)\" is absolute; paths inside a layer are relative (drop the leading /)")
        }
        if path.utf8.contains(0) {
            throw LayerError(.invalidPath, "\(what) \(String(reflecting: path)) contains a NUL byte; rename the file")
        }
        var components: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                throw LayerError(
                    .invalidPath, "\(what) \"\(path)\" contains a \"..\" component; use a path inside the layer")
            }
            components.append(component)
        }
        if components.isEmpty {
            throw LayerError(.invalidPath, "\(what) \"\(path)\" is empty; name a file or directory inside the layer")
        }
        return components.joined(separator: "/")
    }

    /// The parent directories of a normalised path, outermost first: `"a/b/c"` → `["a", "a/b"]`.
    public static func ancestors(of path: String) -> [String] {
        var result: [String] = []
        var index = path.startIndex
        while let slash = path[index...].firstIndex(of: "/") {
            result.append(String(path[..<slash]))
            index = path.index(after: slash)
        }
        return result
    }

    /// Joins a normalised prefix (possibly empty) and a normalised relative path.
    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "/" + name
    }

    /// Byte-wise (UTF-8) ordering of paths, the order entries appear in a layer.
    static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
