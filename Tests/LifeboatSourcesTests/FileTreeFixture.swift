import Foundation
import LifeboatCore
import LifeboatTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Builds a tree with every case the archiver must handle, and compares trees afterwards.
struct FileTreeFixture {
    static let longName = String(repeating: "l", count: 196) + ".txt"
    static let unicodeName = "naïve-日本.txt"
    static let pastSeconds = 1_500_000_000
    static let pastNanos = 123_456_789

    let dir: TemporaryDirectory
    /// The root handed to the archiver.
    let root: String

    init() throws {
        dir = try TemporaryDirectory(prefix: "lbtree")
        root = dir.file("src/tree")
        try make("a/b/c")
        try make("emptydir")
        try make("cache")
        try write("regular.txt", Array("hello\n".utf8), mode: 0o640)
        try write("empty", [], mode: 0o600)
        try write("a/b/c/deep.txt", Array("deep\n".utf8), mode: 0o755)
        try write(Self.longName, Array("long\n".utf8), mode: 0o644)
        try write(Self.unicodeName, Array("unicode\n".utf8), mode: 0o644)
        try write("big.bin", Self.random(3 << 20 + 77), mode: 0o644)
        try write("hard1", Array("linked\n".utf8), mode: 0o644)
        try write("skip.tmp", Array("excluded\n".utf8), mode: 0o644)
        try write("cache/junk", Array("excluded\n".utf8), mode: 0o644)
        try check(link("\(root)/hard1", "\(root)/a/hard2"), "link")
        try check(symlink("a/b/c/deep.txt", "\(root)/link-rel"), "symlink")
        try check(symlink("/etc/hostname", "\(root)/link-abs"), "symlink")
        try setTime("regular.txt", seconds: Self.pastSeconds, nanos: Self.pastNanos)
        try setTime("link-rel", seconds: Self.pastSeconds - 100, nanos: 5)
        for d in ["a/b/c", "a/b", "a", "emptydir", ""] { try setTime(d, seconds: Self.pastSeconds + 1000, nanos: 42) }
    }

    var excludes: [String] { ["*.tmp", "*/tree/cache"] }

    /// Where the tree lands under an extraction directory: the absolute path without its '/'.
    func extracted(under target: String) -> String { target + root }

    func make(_ rel: String) throws {
        try FileManager.default.createDirectory(atPath: "\(root)/\(rel)", withIntermediateDirectories: true)
    }

    func write(_ rel: String, _ bytes: [UInt8], mode: mode_t) throws {
        let path = "\(root)/\(rel)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try check(chmod(path, mode), "chmod")
    }

    func setTime(_ rel: String, seconds: Int, nanos: Int) throws {
        var times = [timespec(tv_sec: seconds, tv_nsec: nanos), timespec(tv_sec: seconds, tv_nsec: nanos)]
        try check(utimensat(AT_FDCWD, rel.isEmpty ? root : "\(root)/\(rel)", &times, AT_SYMLINK_NOFOLLOW), "utimensat")
    }

    func check(_ rc: Int32, _ what: String) throws {
        if rc != 0 { throw ArchiveFixtureError(message: "\(what) failed: \(errno)") }
    }

    static func random(_ count: Int) -> [UInt8] {
        var x: UInt64 = 0x2545_f491_4f6c_dd1d
        return (0..<count).map { _ in
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            return UInt8(truncatingIfNeeded: x)
        }
    }

    /// Relative paths of everything under `base`, sorted.
    static func listing(_ base: String) -> [String] {
        let items = FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? []
        return items.sorted()
    }

    /// Expects `copy` to match the source tree (without the excluded items).
    func expectSame(as copy: String, nanoseconds: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = Self.listing(root).filter { !$0.hasSuffix(".tmp") && !$0.hasPrefix("cache") }
        #expect(Self.listing(copy) == expected, sourceLocation: sourceLocation)
        for rel in expected {
            var a = stat()
            var b = stat()
            guard lstat("\(root)/\(rel)", &a) == 0, lstat("\(copy)/\(rel)", &b) == 0 else {
                Issue.record("missing \(rel)", sourceLocation: sourceLocation)
                continue
            }
            #expect(a.st_mode == b.st_mode, "mode of \(rel)", sourceLocation: sourceLocation)
            #expect(a.st_uid == b.st_uid && a.st_gid == b.st_gid, "owner of \(rel)", sourceLocation: sourceLocation)
            #expect(a.st_mtim.tv_sec == b.st_mtim.tv_sec, "mtime of \(rel)", sourceLocation: sourceLocation)
            if nanoseconds {
                #expect(a.st_mtim.tv_nsec == b.st_mtim.tv_nsec, "mtime ns of \(rel)", sourceLocation: sourceLocation)
            }
            switch a.st_mode & S_IFMT {
            case S_IFREG:
                #expect(
                    FileManager.default.contentsEqual(atPath: "\(root)/\(rel)", andPath: "\(copy)/\(rel)"),
                    "content of \(rel)", sourceLocation: sourceLocation)
            case S_IFLNK:
                let t1 = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(root)/\(rel)")
                let t2 = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(copy)/\(rel)")
                #expect(t1 == t2, "target of \(rel)", sourceLocation: sourceLocation)
            default: break
            }
        }
        var h1 = stat()
        var h2 = stat()
        #expect(lstat("\(copy)/hard1", &h1) == 0 && lstat("\(copy)/a/hard2", &h2) == 0)
        #expect(h1.st_ino == h2.st_ino && h1.st_nlink == 2, "hard link kept", sourceLocation: sourceLocation)
    }
}

struct ArchiveFixtureError: Error {
    let message: String
}
