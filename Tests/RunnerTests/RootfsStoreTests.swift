import Foundation
import OCI
import Runner
import TestSupport
import Testing

/// Unpacking layers into the content-addressed store.
@Suite(.enabled(if: getuid() == 0, "needs root: whiteout devices, trusted.* xattrs, owners"))
struct RootfsStoreTests {
    @Test func whiteoutsBecomeOverlayWhiteoutsAndOpaqueXattrs() async throws {
        let fixture = try RunnerFixture()
        let tree = fixture.directory + "/tree"
        try RunnerFixture.sh(
            "mkdir -p \"$1/etc\" \"$1/opt\" && : > \"$1/etc/.wh.gone\" && : > \"$1/opt/.wh..wh..opq\" "
                + "&& echo new > \"$1/opt/new\"", tree)
        let layer = try fixture.layer(tree)
        let directories = try await fixture.store.materialise([layer])
        #expect(directories == [fixture.directory + "/store/" + layer.diffID.encoded])
        let check = """
            import os, stat, sys
            s = os.lstat(sys.argv[1] + "/etc/gone")
            print(stat.S_ISCHR(s.st_mode), os.major(s.st_rdev), os.minor(s.st_rdev))
            print(os.getxattr(sys.argv[1] + "/opt", "trusted.overlay.opaque"))
            print(sorted(os.listdir(sys.argv[1] + "/opt")), os.path.exists(sys.argv[1] + "/etc/.wh.gone"))
            """
        let output = try RunnerFixture.sh("python3 -c \"$1\" \"$2\"", check, directories[0])
        #expect(output == "True 0 0\nb'y'\n['new'] False\n")
    }

    @Test func aLayerIsUnpackedOnceAndReused() async throws {
        let fixture = try RunnerFixture()
        let layer = try fixture.layer(try fixture.baseTree())
        let first = try await fixture.store.materialise([layer])
        // A marker inside the unpacked directory survives only if the second call does not unpack again.
        try RunnerFixture.sh("echo marker > \"$1/marker\"", first[0])
        let started = ContinuousClock.now
        let second = try await fixture.store.materialise([layer])
        #expect(ContinuousClock.now - started < .milliseconds(200))
        #expect(second == first)
        #expect(FileManager.default.fileExists(atPath: first[0] + "/marker"))
    }

    @Test func aLayerWhoseContentIsNotItsDiffIDIsRefusedAndNotRecorded() async throws {
        let fixture = try RunnerFixture()
        let layer = try fixture.layer(try fixture.baseTree(), wrongDiffID: true)
        let error = await #expect(throws: RunError.self) { try await fixture.store.materialise([layer]) }
        #expect(error?.kind == .corruptLayer)
        let left = try FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/store")
        #expect(left.isEmpty, "left behind: \(left)")
    }

    @Test func tarMembersEscapingTheRootAreRefused() async throws {
        let fixture = try RunnerFixture()
        let tar = fixture.directory + "/evil.tar"
        let make = """
            import io, sys, tarfile
            with tarfile.open(sys.argv[1], "w") as t:
                for name in ["ok", "a/../../evil"]:
                    info = tarfile.TarInfo(name); info.size = 1; t.addfile(info, io.BytesIO(b"x"))
            """
        try RunnerFixture.sh("python3 -c \"$1\" \"$2\"", make, tar)
        let hex = String(try RunnerFixture.sh("sha256sum \"$1\"", tar).prefix(64))
        let layer = RootfsLayer(
            diffID: try Digest("sha256:" + hex), blobPath: tar, mediaType: "application/vnd.oci.image.layer.v1.tar")
        let error = await #expect(throws: RunError.self) { try await fixture.store.materialise([layer]) }
        #expect(error?.kind == .corruptLayer)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory + "/evil"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/store").isEmpty)
    }
}
