import Foundation
import TestSupport
import Testing

/// A pushed image pulled by digest with skopeo, unpacked with umoci, ready to run commands in with chroot as a pod
/// would (the image's environment only, `/root` as working directory, a minimal `/etc/hosts` as Kubernetes mounts).
struct UnpackedTaskImage {
    let bundle: String
    let environment: [String: String]

    var rootfs: String { bundle + "/rootfs" }

    /// Pulls `name:tag@sha256:…` (skopeo 1.9 refuses tag + digest, so by digest) into `directory` and unpacks it.
    static func unpack(_ pinned: String, into directory: String) async throws -> UnpackedTaskImage {
        let at = try #require(pinned.firstIndex(of: "@"))
        let name = String(pinned[..<at])
        let repository = name.lastIndex(of: ":").map { String(name[..<$0]) } ?? name
        let byDigest = repository + String(pinned[at...])
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let layout = directory + "/layout"
        try await ExternalTool.runAsync(
            "skopeo", ["copy", "-q", "--src-tls-verify=false", "docker://" + byDigest, "oci:\(layout):image"]
        ).check()
        let bundle = directory + "/bundle"
        try await ExternalTool.runAsync("umoci", ["unpack", "--image", "\(layout):image", bundle]).check()
        let config =
            try JSONSerialization.jsonObject(
                with: try Data(contentsOf: URL(fileURLWithPath: bundle + "/config.json"))) as? [String: Any]
        let list = (config?["process"] as? [String: Any])?["env"] as? [String] ?? []
        var environment: [String: String] = [:]
        for entry in list {
            guard let equals = entry.firstIndex(of: "=") else { continue }
            environment[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        try "127.0.0.1 localhost\n".write(toFile: bundle + "/rootfs/etc/hosts", atomically: true, encoding: .utf8)
        return UnpackedTaskImage(bundle: bundle, environment: environment)
    }

    /// The files under `/root` (relative, sorted), without the base image's top-level dotfiles.
    func rootFiles() throws -> [String] {
        let root = rootfs + "/root"
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: root)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue, !path.hasPrefix(".") { files.append(path) }
        }
        return files.sorted()
    }

    /// Runs `arguments` (no shell) in the image, from `/root`.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> ToolResult {
        try await ExternalTool.runAsync(
            "chroot", [rootfs, "/usr/bin/env", "-C", "/root"] + arguments,
            environment: environment.merging(extra) { _, new in new }, inheritEnvironment: false)
    }

    /// Runs a task's container arguments as the Flyte propeller would, with the template variables pointing at
    /// files under `/tmp` (inputs written with flytekit from `inputs`); returns the task's string outputs.
    func runTask(
        _ task: PackagedTask, inputs: [String: String], fastPackage: String? = nil, project: FlyteProject
    ) async throws -> [String: String] {
        _ = try await project.python(
            FlytekitScripts.writeInputs, [rootfs + "/tmp/inputs.pb"] + inputs.map { "\($0.key)=\($0.value)" })
        if let fastPackage {
            try FileManager.default.copyItem(atPath: fastPackage, toPath: rootfs + "/tmp/fast.tar.gz")
        }
        let substitutions = [
            "{{.input}}": "/tmp/inputs.pb", "{{.outputPrefix}}": "/tmp/out", "{{.rawOutputDataPrefix}}": "/tmp/raw",
            "{{.checkpointOutputPrefix}}": "/tmp/checkpoint", "{{.prevCheckpointPrefix}}": "",
            "{{ .remote_package_path }}": "/tmp/fast.tar.gz",
        ]
        let arguments = task.args.map { substitutions[$0] ?? $0 }
        let result = try await run(arguments, environment: ["FLYTE_SDK_RICH_TRACEBACKS": "0"])
        try result.check()
        let outputs = try FlytekitScripts.object(
            try await project.python(FlytekitScripts.readOutputs, [rootfs + "/tmp/out/outputs.pb"]))
        return outputs.compactMapValues { $0 as? String }
    }
}
