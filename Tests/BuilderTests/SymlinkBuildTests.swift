import Builder
import Foundation
import TestSupport
import Testing

/// Symlinks in `copy`/`source_root` in a real build: one inside the project brings its target's content (as
/// flytekit's `shutil.copy` does); one leading outside is refused while planning, and with
/// ``BuildOptions/followExternalSymlinks`` its target's content is in the image.
@Suite(.serialized) struct SymlinkBuildTests {
    @Test func linksInsideAreFollowedAndOutsideOnlyOnRequest() async throws {
        let setup = try await BuildPushTests.Setup.make()
        defer { setup.stop() }
        let outside = try makeTemporaryDirectory(prefix: "imagespec-outside")
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try "outside content\n".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: setup.directory + "/alias.txt", withDestinationPath: "notes.txt")
        try FileManager.default.createSymbolicLink(
            atPath: setup.directory + "/src/wf/shared.py", withDestinationPath: outside + "/secret.txt")
        let spec = setup.spec().replacingOccurrences(
            of: "copy: [src, notes.txt]", with: "copy: [alias.txt]\nsource_root: src\nsource_copy_mode: ALL")
        let loaded = try BuilderTestSupport.loadSpec(spec, in: setup.directory)
        var options = try BuilderTestSupport.options(in: setup.directory)
        #expect(throws: BuildError.self) { try BuildPlan(loaded, options: options) }

        options.followExternalSymlinks = true
        let plan = try BuildPlan(loaded, options: options)
        let builder = ImageBuilder(client: BuilderTestSupport.client(), options: options)
        let layout = setup.directory + "/out.oci"
        let report = try await builder.run(plan, destination: .ociLayout(path: layout, tag: "t"))
        let image = try await UnpackedImage.unpack(report.destination, into: setup.directory + "/check")
        let root = image.rootfs + "/root"
        for (path, content) in [("alias.txt", "data\n"), ("wf/shared.py", "outside content\n")] {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + path)
            #expect(attributes[.type] as? FileAttributeType == .typeRegular, "\(path) is not a regular file")
            #expect(try String(contentsOfFile: root + "/" + path, encoding: .utf8) == content)
        }
    }
}
