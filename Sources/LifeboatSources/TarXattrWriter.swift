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
        guard !xattrs.isEmpty else { return [] }
        guard let set = TarXattrCalls.fsetxattr else {
            return ["cannot restore the extended attributes of \(name): this system has no fsetxattr"]
        }
        var problems: [String] = []
        for x in xattrs {
            let rc = x.value.withUnsafeBytes { value in set(fd, TarBytes.c(x.name), value.baseAddress, value.count, 0) }
            if rc != 0 {
                problems.append(
                    "cannot restore the extended attribute \(TarBytes.display(x.name)) of \(name): "
                        + TarSystem.describe(errno: errno))
            }
        }
        return problems
    }
}
