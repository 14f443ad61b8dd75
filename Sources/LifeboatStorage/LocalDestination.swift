import Foundation
import LifeboatCore

/// A destination on a mounted file system (a NAS share, a second disk): objects are files under a root.
///
/// Writes go to a temporary name in the same folder, are fsynced and renamed, and the folder is
/// fsynced, so an object is there whole or not at all, even across a power cut.
package struct LocalDestination: Destination {
    package let name: String
    package let root: String

    package init(name: String, root: String) {
        self.name = name
        self.root = root
    }

    func path(_ key: String) throws -> String {
        try ObjectKey.check(key, destination: name)
        return root + "/" + key
    }

    func fail(_ what: String, _ path: String, errno code: Int32) -> StorageError {
        let reason = String(cString: strerror(code))
        let kind: StorageError.Kind
        switch code {
        case ENOENT: kind = .notFound
        case EACCES, EPERM, EROFS, ENOSPC, EDQUOT, ENOTDIR, EISDIR: kind = .permanent
        default: kind = .transient
        }
        return StorageError(kind, destination: name, "\(what) \(path): \(reason)")
    }

    package func put(_ key: String, fromFile source: String) async throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw fail("cannot open", source, errno: errno) }
        defer { close(input) }
        try write(key) { file in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = buffer.withUnsafeMutableBytes { b in
                    SystemCall.retryingInterrupts { Glibc.read(input, b.baseAddress, b.count) }
                }
                if n < 0 { throw fail("cannot read", source, errno: errno) }
                if n == 0 { break }
                try buffer.withUnsafeBytes { try append(UnsafeRawBufferPointer(rebasing: $0[0..<n]), to: file) }
            }
        }
    }

    package func put(_ key: String, bytes: [UInt8]) async throws {
        try write(key) { file in
            try bytes.withUnsafeBytes { try append($0, to: file) }
        }
    }

    func append(_ bytes: UnsafeRawBufferPointer, to file: AtomicFile) throws {
        do {
            try file.write(bytes)
        } catch {
            throw fail(error)
        }
    }

    /// The error for a failed step of writing an object, classified by its errno.
    func fail(_ failure: AtomicFile.Failure) -> StorageError {
        let what = failure.step == .rename ? "cannot rename into" : "cannot \(failure.step.rawValue)"
        return fail(what, failure.path, errno: failure.error.code)
    }

    /// Writes through a temporary file, fsyncs it, renames it into place and fsyncs the folder.
    func write(_ key: String, _ body: (AtomicFile) throws -> Void) throws {
        let target = try path(key)
        let dir = (target as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw StorageError(.permanent, destination: name, "cannot create \(dir): \(error.localizedDescription)")
        }
        let file: AtomicFile
        do {
            file = try AtomicFile(path: target, mode: 0o640)
        } catch {
            throw fail(error)
        }
        do {
            try body(file)
            CrashPoint.hit("local.object-written")
            try file.sync()
            try file.rename()
            CrashPoint.hit(key.hasSuffix("/manifest.json") ? "local.manifest-renamed" : "local.object-renamed")
        } catch let failure as AtomicFile.Failure {
            file.abandon()
            throw fail(failure)
        } catch {
            file.abandon()
            throw error
        }
        AtomicFile.syncFolder(dir)
    }

    @discardableResult
    package func read(_ key: String, offset: Int64, consumer: (UnsafeRawBufferPointer) throws -> Void) async throws
        -> Int64
    {
        let p = try path(key)
        let fd = open(p, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw fail("cannot open", p, errno: errno) }
        defer { close(fd) }
        if offset > 0, lseek(fd, off_t(offset), SEEK_SET) < 0 { throw fail("cannot seek", p, errno: errno) }
        // A small object (a manifest, a latest.json) gets a buffer its size, not 1 MiB zeroed per read.
        var st = stat()
        let remaining = fstat(fd, &st) == 0 ? max(0, Int64(st.st_size) - offset) + 1 : Int64(1 << 20)
        var buffer = [UInt8](repeating: 0, count: Int(min(Int64(1 << 20), max(4096, remaining))))
        var total: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { b in
                SystemCall.retryingInterrupts { Glibc.read(fd, b.baseAddress, b.count) }
            }
            if n < 0 { throw fail("cannot read", p, errno: errno) }
            if n == 0 { return total }
            total += Int64(n)
            try buffer.withUnsafeBytes { try consumer(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    package func size(_ key: String) async throws -> Int64? {
        let p = try path(key)
        var st = stat()
        if stat(p, &st) != 0 {
            if errno == ENOENT { return nil }
            throw fail("cannot stat", p, errno: errno)
        }
        return Int64(st.st_size)
    }

    package func list(prefix: String) async throws -> [String] {
        var out: [String] = []
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        while let rel = e.nextObject() as? String {
            if e.fileAttributes?[.type] as? FileAttributeType == .typeDirectory { continue }
            if rel.contains(".tmp-") { continue }
            if rel.hasPrefix(prefix) { out.append(rel) }
        }
        return out
    }

    /// The sub-folders of `root/prefix` that hold something (S3 shows a folder only while a key is under it).
    package func listFolders(prefix: String) async throws -> [String] {
        guard prefix.isEmpty || prefix.hasSuffix("/") else {
            throw StorageError(.permanent, destination: name, "list \(prefix): a folder prefix must end with /")
        }
        let folder = prefix.isEmpty ? root : try path(String(prefix.dropLast()))
        guard let dir = opendir(folder) else {
            if errno == ENOENT || errno == ENOTDIR { return [] }
            throw fail("cannot list", folder, errno: errno)
        }
        defer { closedir(dir) }
        var out: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name.hasPrefix(".") || name.contains(".tmp-") { continue }
            var st = stat()
            guard lstat(folder + "/" + name, &st) == 0, st.st_mode & S_IFMT == S_IFDIR,
                Self.holdsSomething(folder + "/" + name)
            else { continue }
            out.append(name)
        }
        return out
    }

    static func holdsSomething(_ folder: String) -> Bool {
        guard let dir = opendir(folder) else { return false }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { return true }
        }
        return false
    }

    /// Removes the object, then its folder once that is empty (a purged backup leaves no empty
    /// `<host>/<policy>/<id>/` behind). Only that one folder: the policy's folder may be receiving a
    /// new backup at this moment.
    package func remove(_ key: String) async throws {
        let p = try path(key)
        if unlink(p) != 0, errno != ENOENT { throw fail("cannot remove", p, errno: errno) }
        guard let slash = key.lastIndex(of: "/") else { return }
        let folder = root + "/" + key[..<slash]
        if rmdir(folder) != 0, errno != ENOTEMPTY, errno != EEXIST, errno != ENOENT {
            throw fail("cannot remove the empty folder", folder, errno: errno)
        }
    }
}
