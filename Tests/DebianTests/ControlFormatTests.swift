import Debian
import Foundation
import Testing

/// The pure Debian formats: deb822 paragraphs, dpkg's status order and path filters, apt sources, armored keys.
struct ControlFormatTests {
    @Test func paragraphsRoundTripByteForByte() throws {
        let text = """
            Package: bash
            Essential: yes
            Status: install ok installed
            Conffiles:
             /etc/bash.bashrc 89269e1298235f1b12b4c16e4065ad0d
             /etc/skel/.bashrc ee35a240758f374832e809ae0ea4883a
            Description: GNU Bourne Again SHell
             Bash is an sh-compatible command language interpreter.
             .
             More text.
            Homepage: http://tiswww.case.edu/php/chet/bash/bashtop.html

            Package: zlib1g
            Status: install ok installed

            """ + "\n"  // dpkg ends every paragraph, the last one too, with a blank line.
        let status = try DpkgStatus(text: text)
        #expect(status.paragraphs.count == 2)
        #expect(status.text == text)
        #expect(status.paragraphs[0]["conffiles"]?.contains("/etc/skel/.bashrc") == true)
        #expect(status.installedVersion(of: "zlib1g") == nil)
    }

    @Test func malformedLinesNameTheLine() {
        #expect(throws: DebianError.self) { try ControlParagraph.parseAll("Package: a\nno colon here\n", file: "f") }
        do {
            _ = try ControlParagraph.parseAll(" starts with a space\n", file: "status")
            Issue.record("no error")
        } catch {
            #expect(error.message == "status line 1: a continuation line with no field before it")
        }
    }

    @Test func installedParagraphUsesDpkgFieldOrder() throws {
        let control = try #require(
            try ControlParagraph.parseAll(
                """
                Package: git
                Version: 1:2.39.5-0+deb12u3
                Architecture: amd64
                Maintainer: Someone <someone@example.org>
                Installed-Size: 44890
                Depends: libc6 (>= 2.34)
                Provides: git-completion
                Section: vcs
                Priority: optional
                Multi-Arch: foreign
                Homepage: https://git-scm.com/
                Description: fast, scalable, distributed revision control system
                 Long text.

                """, file: "control"
            ).first)
        let paragraph = DpkgStatus.installedParagraph(
            control: control, conffiles: [("/etc/bash_completion.d/git-prompt", "0123")])
        #expect(
            paragraph.text == """
                Package: git
                Status: install ok installed
                Priority: optional
                Section: vcs
                Installed-Size: 44890
                Maintainer: Someone <someone@example.org>
                Architecture: amd64
                Multi-Arch: foreign
                Version: 1:2.39.5-0+deb12u3
                Provides: git-completion
                Depends: libc6 (>= 2.34)
                Conffiles:
                 /etc/bash_completion.d/git-prompt 0123
                Description: fast, scalable, distributed revision control system
                 Long text.
                Homepage: https://git-scm.com/

                """)
        var status = try DpkgStatus(text: "Package: bash\nStatus: install ok installed\n\nPackage: zlib1g\nStatus: x\n\n")
        status.install(paragraph)
        #expect(status.paragraphs.map { $0.simple("Package") } == ["bash", "git", "zlib1g"])
    }

    @Test func pathFilterFollowsDpkg() {
        // The shape of the python:*-slim images' /etc/dpkg/dpkg.cfg.d file.
        let rules = DpkgPathFilter(rules: [
            .init(include: false, pattern: "/usr/share/doc/*"),
            .init(include: true, pattern: "/usr/share/doc/*/copyright"),
            .init(include: false, pattern: "/usr/share/man/*"),
            .init(include: false, pattern: "/usr/share/locale/*"),
        ])
        #expect(rules.skips("/usr/share/doc/git/README", isDirectoryOrSymlink: false))
        #expect(!rules.skips("/usr/share/doc/git/copyright", isDirectoryOrSymlink: false))
        // `*` matches `/` (fnmatch without FNM_PATHNAME), and a directory that an include may reach is kept.
        #expect(rules.skips("/usr/share/man/man1/git.1.gz", isDirectoryOrSymlink: false))
        #expect(!rules.skips("/usr/share/doc/git", isDirectoryOrSymlink: true))
        #expect(rules.skips("/usr/share/man/man1", isDirectoryOrSymlink: true))
        #expect(!rules.skips("/usr/bin/git", isDirectoryOrSymlink: false))
        #expect(!rules.skips("/usr/share/man", isDirectoryOrSymlink: true))
    }

    @Test func pathFilterReadsTheImagesConfiguration() throws {
        let root = NSTemporaryDirectory() + "/imagespec-dpkgcfg-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/etc/dpkg/dpkg.cfg.d", withIntermediateDirectories: true)
        try "path-exclude /usr/share/doc/*\n# comment\npath-include=/usr/share/doc/*/copyright\n".write(
            toFile: root + "/etc/dpkg/dpkg.cfg.d/docker", atomically: true, encoding: .utf8)
        try "path-exclude /ignored/*\n".write(
            toFile: root + "/etc/dpkg/dpkg.cfg.d/ignored.conf", atomically: true, encoding: .utf8)
        try "--path-exclude=/usr/share/man/*\n".write(
            toFile: root + "/etc/dpkg/dpkg.cfg", atomically: true, encoding: .utf8)
        let filter = DpkgPathFilter(image: DirectoryFileSystem(root: root))
        #expect(
            filter.rules == [
                .init(include: false, pattern: "/usr/share/doc/*"),
                .init(include: true, pattern: "/usr/share/doc/*/copyright"),
                .init(include: false, pattern: "/usr/share/man/*"),
            ])
    }

    @Test func sourcesInBothFormats() throws {
        let root = NSTemporaryDirectory() + "/imagespec-sources-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(
            atPath: root + "/etc/apt/sources.list.d", withIntermediateDirectories: true)
        try """
            # main archive
            deb http://deb.debian.org/debian bookworm main contrib
            deb-src http://deb.debian.org/debian bookworm main
            deb [arch=amd64,arm64 signed-by=/usr/share/keyrings/extra.gpg] https://example.org/apt stable main
            """.write(toFile: root + "/etc/apt/sources.list", atomically: true, encoding: .utf8)
        try """
            Types: deb deb-src
            URIs: http://deb.debian.org/debian http://mirror.example/debian
            Suites: bookworm bookworm-updates
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            URIs: http://off.example/debian
            Suites: x
            Components: main
            Enabled: no
            """.write(toFile: root + "/etc/apt/sources.list.d/debian.sources", atomically: true, encoding: .utf8)
        let sources = try AptSource.all(in: DirectoryFileSystem(root: root))
        #expect(sources.count == 6)
        #expect(sources[0].oneLine(keyFiles: nil) == "deb http://deb.debian.org/debian bookworm main contrib")
        #expect(
            sources[1].oneLine(keyFiles: ["/k/0.gpg"])
                == "deb [ arch=amd64,arm64 signed-by=/k/0.gpg ] https://example.org/apt stable main")
        #expect(sources[1].signedBy == ["/usr/share/keyrings/extra.gpg"])
        #expect(sources[2...].map(\.suite) == ["bookworm", "bookworm-updates", "bookworm", "bookworm-updates"])
        #expect(sources[5].uri == "http://mirror.example/debian")
        #expect(sources[5].signedBy == ["/usr/share/keyrings/debian-archive-keyring.gpg"])

        try "deb [arch=amd64 http://x bookworm main\n".write(
            toFile: root + "/etc/apt/sources.list", atomically: true, encoding: .utf8)
        #expect(throws: DebianError.self) { try AptSource.all(in: DirectoryFileSystem(root: root)) }
    }

    @Test func armoredKeysDecodeToTheirPackets() throws {
        let packets: [UInt8] = [0x99, 0x01, 0x0d, 0x04, 0x5f, 0x00, 0xff, 0x10]
        let armored = """
            -----BEGIN PGP PUBLIC KEY BLOCK-----
            Comment: test

            \(Data(packets).base64EncodedString())
            =abcd
            -----END PGP PUBLIC KEY BLOCK-----
            """
        #expect(OpenPGPArmor.isArmored(Array(armored.utf8)))
        #expect(try OpenPGPArmor.dearmor(armored, file: "k.asc") == packets)
        #expect(throws: DebianError.self) { try OpenPGPArmor.dearmor("-----BEGIN PGP PUBLIC KEY BLOCK-----\nAAAA\n", file: "k") }
    }
}
