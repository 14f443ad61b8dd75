import Foundation
import LifeboatCore
import LifeboatTestSupport
import Logging
import Testing

@testable import LifeboatSources

#if canImport(Glibc)
    import Glibc
#endif

/// A file and a directory carrying a user attribute, a trusted one, an SELinux label, an ACL
/// (and a default ACL on the directory) and a file capability, and a symlink with a trusted
/// attribute and a label, set with the real tools.
struct XattrTree {
    let dir: TemporaryDirectory
    let root: String
    var file: String { root + "/attrs.bin" }
    var folder: String { root + "/folder" }
    var link: String { root + "/link" }

    init() throws {
        dir = try TemporaryDirectory(prefix: "lbxattr")
        root = dir.file("src")
        try FileManager.default.createDirectory(atPath: root + "/folder", withIntermediateDirectories: true)
        try Data("attributes\n".utf8).write(to: URL(fileURLWithPath: root + "/attrs.bin"))
        #expect(symlink("attrs.bin", root + "/link") == 0)
        for argv in [
            ["setfattr", "-n", "user.color", "-v", "blue", file],
            ["setfattr", "-n", "user.binary", "-v", "0sAAEC/w==", file],
            ["setfattr", "-n", "trusted.lifeboat", "-v", "kept", file],
            ["setfattr", "-n", "security.selinux", "-v", "system_u:object_r:etc_t:s0", file],
            ["setfacl", "-m", "u:1234:rw-,g:4321:r--", file],
            ["setcap", "cap_net_raw+ep", file],
            ["setfattr", "-n", "user.onadir", "-v", "yes", folder],
            ["setfacl", "-d", "-m", "u:1234:rwx", folder],
            ["setfattr", "-h", "-n", "trusted.onalink", "-v", "yes", link],
            ["setfattr", "-h", "-n", "security.selinux", "-v", "system_u:object_r:etc_t:s0", link],
        ] {
            let result = try Command.run(argv)
            #expect(result.status == 0, "\(argv): \(result.stderr)")
        }
    }

    static func names(_ path: String) -> [String] {
        FileTreeXattrs.read(path: Array(path.utf8)).xattrs.map { String(decoding: $0.name, as: UTF8.self) }
    }

    /// Expects the copy under `base` to carry exactly the source's attributes.
    func expectSame(under base: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for path in [file, folder, link] {
            let want = FileTreeXattrs.read(path: Array(path.utf8))
            let got = FileTreeXattrs.read(path: Array((base + path).utf8))
            #expect(want.xattrs.count >= 2, sourceLocation: sourceLocation)
            #expect(got.xattrs == want.xattrs, "\(path)", sourceLocation: sourceLocation)
        }
    }
}

@Suite(
    "extended attributes, ACLs, capabilities", .enabled(if: geteuid() == 0, "setting trusted. and security. needs root")
)
struct XattrTests {
    let logger = Logger(label: "test")

    func archive(_ tree: XattrTree) throws -> (String, [UInt8]) {
        let sink = MemorySink()
        let report = try FileTreeArchiver(paths: [tree.root], excludes: [], logger: logger).write(to: sink)
        #expect(report.warnings == [])
        let path = tree.dir.file("x.tar")
        try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
        return (path, sink.bytes)
    }

    func extract(_ bytes: [UInt8], into dir: String, asRoot: Bool = true) throws -> ArchiveReport {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let extractor = try SafeTarExtractor(targetDirectory: dir, asRoot: asRoot)
        try extractor.write(bytes)
        try extractor.finish()
        return extractor.report
    }

    @Test("every attribute is written as a SCHILY.xattr record with its raw value")
    func records() throws {
        let tree = try XattrTree()
        let (_, bytes) = try archive(tree)
        for record in [
            Array(" SCHILY.xattr.user.color=blue\n".utf8),
            Array(" SCHILY.xattr.user.binary=".utf8) + [0, 1, 2, 0xff, 0x0a],
            Array(" SCHILY.xattr.trusted.lifeboat=kept\n".utf8),
            Array(" SCHILY.xattr.security.selinux=system_u:object_r:etc_t:s0".utf8),
            Array(" SCHILY.xattr.security.capability=".utf8),
            Array(" SCHILY.xattr.system.posix_acl_access=".utf8),
            Array(" SCHILY.xattr.system.posix_acl_default=".utf8),
            Array(" SCHILY.xattr.user.onadir=yes\n".utf8),
            Array(" SCHILY.xattr.trusted.onalink=yes\n".utf8),
            Array(" SCHILY.acl.access=user::rw-,user:1234:rw-,group::r--,group:4321:r--,mask::rw-,other::r--\n".utf8),
            Array(" SCHILY.acl.default=user::rwx,user:1234:rwx,group::r-x,mask::rwx,other::r-x\n".utf8),
        ] {
            #expect(bytes.firstRange(of: record) != nil, "\(String(decoding: record, as: UTF8.self))")
        }
    }

    @Test("GNU tar --xattrs restores them all; getcap and getfacl see them")
    func gnuTar() throws {
        let (tree, out) = try extractedArchive(into: "gnu") { tar, out in
            ["tar", "--xattrs", "--xattrs-include=*", "-xpf", tar, "-C", out]
        }
        #expect(try Command.run(["getcap", out + tree.file]).stdoutText.contains("cap_net_raw=ep"))
        #expect(try Command.run(["getfacl", "-n", out + tree.file]).stdoutText.contains("user:1234:rw-"))
    }

    @Test("bsdtar restores them all, the ACLs from their SCHILY.acl text")
    func bsdtar() throws {
        try extractedArchive(into: "bsd") { tar, out in ["bsdtar", "-xpf", tar, "-C", out] }
    }

    /// Archives a fresh tree, extracts it into the folder `name` with the command `argv` gives for the
    /// archive and the folder, and checks the command succeeded and the tree came back the same.
    @discardableResult
    func extractedArchive(
        into name: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ argv: (_ tar: String, _ out: String) -> [String]
    ) throws -> (tree: XattrTree, out: String) {
        let tree = try XattrTree()
        let (tar, _) = try archive(tree)
        let out = tree.dir.file(name)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        let result = try Command.run(argv(tar, out))
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)", sourceLocation: sourceLocation)
        tree.expectSame(under: out, sourceLocation: sourceLocation)
        return (tree, out)
    }

    @Test("an ACL value becomes the short text bsdtar reads; a malformed one none")
    func aclText() {
        let acl: [UInt8] =
            [2, 0, 0, 0] + [1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff] + [2, 0, 6, 0, 0xd2, 0x04, 0, 0]
            + [4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff] + [0x10, 0, 7, 0, 0xff, 0xff, 0xff, 0xff]
            + [0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]
        #expect(TarAclText.text(acl) == "user::rw-,user:1234:rw-,group::r--,mask::rwx,other::---")
        #expect(TarAclText.text([2, 0, 0, 0, 1]) == nil)
        #expect(TarAclText.text([1, 0, 0, 0]) == nil)
        #expect(TarAclText.text([2, 0, 0, 0] + [0x40, 0, 0, 0, 0, 0, 0, 0]) == nil)
    }

    @Test("the safe extractor restores them as root, capability after the owner")
    func safeExtractor() throws {
        let tree = try XattrTree()
        let (_, bytes) = try archive(tree)
        let out = tree.dir.file("safe")
        let report = try extract(bytes, into: out)
        #expect(report.warnings == [])
        tree.expectSame(under: out)
        #expect(try Command.run(["getcap", out + tree.file]).stdoutText.contains("cap_net_raw=ep"))
    }

    @Test("without root none is set, and the report says so once")
    func notRoot() throws {
        let tree = try XattrTree()
        let (_, bytes) = try archive(tree)
        let out = tree.dir.file("user")
        let report = try extract(bytes, into: out, asRoot: false)
        #expect(
            report.warnings == [
                "extended attributes (ACLs, capabilities, SELinux labels) were not restored: that needs root"
            ])
        #expect(XattrTree.names(out + tree.file) == [] && XattrTree.names(out + tree.folder) == [])
        #expect(XattrTree.names(out + tree.link) == [])
    }

    @Test("hostile attribute records are refused: empty name, oversized value")
    func hostileRecords() throws {
        let big = TarXattr(name: Array("user.big".utf8), value: [UInt8](repeating: 7, count: 65_537))
        for x in [TarXattr(name: [], value: [1]), big] {
            var header = TarEntryHeader(name: Array("f".utf8), kind: .file)
            header.xattrs = [x]
            let dir = try TemporaryDirectory()
            let error = try #require(throws: ArchiveError.self) {
                let archive = TarHeaderEncoder.encode(header) + [UInt8](repeating: 0, count: 1024)
                _ = try extract(archive, into: dir.file("t"))
            }
            #expect(error.code == .corrupt, "\(error)")
            #expect(FileTreeFixture.listing(dir.file("t")) == [])
        }
    }
}

@Suite("pax records")
struct PaxRecordTests {
    @Test(
        "malformed records are refused",
        arguments: [
            "99 path=x\n", "7 =abc\n", "x path=y\n", "12 path=abcd", "0 \n", "4 a\n", "1234567890123 path=x\n",
        ])
    func malformed(text: String) {
        #expect(throws: ArchiveError.self) { _ = try TarPaxRecords.parse(Array(text.utf8), offset: 0) }
    }

    @Test("values are kept as bytes: a binary path and an attribute with NUL and newline bytes")
    func bytes() throws {
        let path = Array("caf".utf8) + [0xe9]
        let value: [UInt8] = [0, 0x0a, 0xff]
        let data =
            TarHeaderEncoder.paxRecord(Array("path".utf8), path)
            + TarHeaderEncoder.paxRecord(Array("SCHILY.xattr.user.x".utf8), value)
        let records = try TarPaxRecords.parse(data, offset: 0)
        #expect(records["path"] == path)
        #expect(try records.xattrs(offset: 0) == [TarXattr(name: Array("user.x".utf8), value: value)])
    }
}

@Suite("holes on restore")
struct SparseRestoreTests {
    let logger = Logger(label: "test")

    @Test("long runs of zeros come back as holes, the size and bytes unchanged", arguments: [777, 1 << 20])
    func sparse(slice: Int) throws {
        let dir = try TemporaryDirectory(prefix: "lbsparse")
        let root = dir.file("src")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let size: Int64 = 8 << 20 + 5
        let fd = open(root + "/disk.img", O_WRONLY | O_CREAT, 0o644)
        #expect(fd >= 0 && ftruncate(fd, off_t(size)) == 0)
        #expect(pwrite(fd, "middle", 6, (3 << 20) + 3) == 6)
        close(fd)
        try Data(count: 100_000).write(to: URL(fileURLWithPath: root + "/zeros"))

        let sink = MemorySink()
        let report = try FileTreeArchiver(paths: [root], excludes: [], logger: logger).write(to: sink)
        #expect(report.bytes == size + 100_000, "read as its data")
        let out = dir.file("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        try feedExtractor(sink.bytes, into: out, slice: slice)
        for name in ["disk.img", "zeros"] {
            var a = stat()
            var b = stat()
            #expect(stat(root + "/" + name, &a) == 0 && stat(out + root + "/" + name, &b) == 0)
            #expect(a.st_size == b.st_size, "\(name)")
            #expect(b.st_blocks * 512 <= 128 << 10, "\(name) takes \(b.st_blocks * 512) bytes")
            #expect(FileManager.default.contentsEqual(atPath: root + "/" + name, andPath: out + root + "/" + name))
        }
    }
}
