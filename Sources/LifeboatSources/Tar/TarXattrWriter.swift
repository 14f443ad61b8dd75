#if canImport(Glibc)
    import Glibc
#endif

/// Puts extended attributes back on an extracted file or directory: user., trusted., security.
/// (capabilities, SELinux labels) and the POSIX ACLs as their raw `system.posix_acl_*` values.
/// Only root may set most of them, so the extractor calls this only when running as root, after
/// fchown (which would clear a capability) and fchmod.
enum TarXattrWriter {
    /// Sets each attribute on `fd`; returns one message per attribute the file system refused.
    static func apply(_ xattrs: [TarXattr], fd: Int32, name: String) -> [String] {
        apply(xattrs, name: name) { TarXattrCalls.fsetxattr(fd, $0, $1, $2, 0) }
    }

    /// Sets each attribute on the symlink `leaf` in the directory `parentFD` (not on what it points
    /// to): a symlink cannot be opened for writing, so it is named through the directory's
    /// descriptor in /proc, and lsetxattr does not follow the last component.
    static func apply(_ xattrs: [TarXattr], symlink leaf: [UInt8], in parentFD: Int32, name: String) -> [String] {
        let path = TarBytes.c(Array("/proc/self/fd/\(parentFD)/".utf8) + leaf)
        return apply(xattrs, name: name) { TarXattrCalls.lsetxattr(path, $0, $1, $2, 0) }
    }

    private static func apply(
        _ xattrs: [TarXattr], name: String, set: (UnsafePointer<CChar>, UnsafeRawPointer?, Int) -> Int32
    ) -> [String] {
        var problems: [String] = []
        for x in xattrs {
            let rc = x.value.withUnsafeBytes { value in set(TarBytes.c(x.name), value.baseAddress, value.count) }
            if rc != 0 {
                problems.append(
                    "cannot restore the extended attribute \(TarBytes.display(x.name)) of \(name): "
                        + TarSystem.describe(errno: errno))
            }
        }
        return problems
    }
}
