import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An ``ImageFileSystem`` over unpacked layers in overlayfs lower-directory format (bottom first, as the run engine's
/// `RootfsStore` makes them): a character device 0:0 is a whiteout and a directory with the xattr
/// `trusted.overlay.opaque=y` hides what the layers below have there. It reads the layers as overlayfs would merge
/// them, with no mount.
public struct LayeredFileSystem: ImageFileSystem {
    /// The layer directories, bottom first.
    public let layers: [String]

    public init(layers: [String]) {
        self.layers = layers.map { $0.hasSuffix("/") && $0.count > 1 ? String($0.dropLast()) : $0 }
    }

    private typealias GetXattr =
        @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?, Int) -> Int

    /// `lgetxattr(2)`, which the Glibc module does not export.
    private static func lgetxattr(
        _ path: String, _ name: String, _ value: UnsafeMutableRawPointer?, _ size: Int
    ) -> Int {
        guard let symbol = dlsym(nil, "lgetxattr") else { return -1 }
        return unsafeBitCast(symbol, to: GetXattr.self)(path, name, value, size)
    }

    /// What one layer has at a path.
    enum Found {
        case whiteout
        case directory(opaque: Bool)
        case other(ImageFileEntry)
    }

    func found(_ layer: String, _ path: String) -> (Found, ImageFileEntry)? {
        let host = layer + path
        var status = stat()
        guard lstat(host, &status) == 0 else { return nil }
        if status.st_mode & S_IFMT == S_IFCHR && status.st_rdev == 0 {
            return (.whiteout, ImageFileEntry(kind: .other, mode: 0))
        }
        guard let entry = DirectoryFileSystem.lstatEntry(host) else { return nil }
        if case .directory = entry.kind {
            var value = [UInt8](repeating: 0, count: 4)
            let count = value.withUnsafeMutableBytes {
                Self.lgetxattr(host, "trusted.overlay.opaque", $0.baseAddress, $0.count)
            }
            return (.directory(opaque: count == 1 && value[0] == UInt8(ascii: "y")), entry)
        }
        return (.other(entry), entry)
    }

    /// The layers (top first) that contribute to the directory at `components`, or the non-directory entry found
    /// there; nil when nothing is there.
    func lookup(_ components: [String]) -> (entry: ImageFileEntry, directoryLayers: [String])? {
        var active = Array(layers.reversed())
        var entry = ImageFileEntry(kind: .directory, mode: 0o755)
        var path = ""
        for (index, component) in components.enumerated() {
            path += "/" + component
            var next: [String] = []
            var first: ImageFileEntry?
            scan: for layer in active {
                guard let (what, foundEntry) = found(layer, path) else { continue }
                switch what {
                case .whiteout:
                    break scan
                case .directory(let opaque):
                    if first == nil { first = foundEntry }
                    next.append(layer)
                    if opaque { break scan }
                case .other(let other):
                    if first == nil { first = other }
                    break scan
                }
            }
            guard let first else { return nil }
            entry = first
            active = next
            // Only the last component may be something other than a directory.
            if case .directory = first.kind {} else if index != components.count - 1 { return nil }
        }
        return (entry, active)
    }

    public func entry(at path: String) -> ImageFileEntry? {
        lookup(ImagePath.components(path).filter { $0 != "." })?.entry
    }

    public func names(in directory: String) -> [String]? {
        let components = ImagePath.components(directory).filter { $0 != "." }
        guard let found = lookup(components), case .directory = found.entry.kind else { return nil }
        let base = components.isEmpty ? "" : "/" + components.joined(separator: "/")
        var names = Set<String>()
        for layer in found.directoryLayers {
            for name in DirectoryFileSystem.directoryNames(layer + (base.isEmpty ? "/" : base)) ?? [] {
                names.insert(name)
            }
        }
        return names.filter { entry(at: base + "/" + $0) != nil }.sorted()
    }

    public func read(_ path: String, limit: Int) -> [UInt8]? {
        let components = ImagePath.components(path).filter { $0 != "." }
        guard !components.isEmpty else { return nil }
        // The top-most layer that has a regular file there and is not hidden.
        guard let entry = entry(at: path), case .regular = entry.kind else { return nil }
        let normalized = "/" + components.joined(separator: "/")
        for layer in layers.reversed() {
            if case .regular? = DirectoryFileSystem.lstatEntry(layer + normalized)?.kind {
                return DirectoryFileSystem.readPrefix(layer + normalized, limit: limit)
            }
        }
        return nil
    }

    /// The host path of the regular file that `path` shows (top-most layer), for callers that stream it.
    public func hostPath(ofRegular path: String) -> String? {
        guard case .regular? = entry(at: path)?.kind else { return nil }
        let normalized = ImagePath.normalize(path)
        return layers.reversed().first {
            if case .regular? = DirectoryFileSystem.lstatEntry($0 + normalized)?.kind { return true }
            return false
        }.map { $0 + normalized }
    }
}
