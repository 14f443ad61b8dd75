import LifeboatCore

#if canImport(Glibc)
    import Glibc
#endif

/// One extended attribute: its full name (`user.color`, `security.capability`,
/// `system.posix_acl_access`, ...) and its raw value.
struct TarXattr: Equatable {
    var name: [UInt8]
    var value: [UInt8]
}

/// Reads every extended attribute the process may read from a file: user., trusted. (root),
/// security. (capabilities, SELinux labels) and the POSIX ACLs, which the kernel shows as
/// `system.posix_acl_access` and `system.posix_acl_default`. A restored /etc or /usr/local
/// is only the same tree when these come back too.
enum FileTreeXattrs {
    /// The largest value Linux allows (XATTR_SIZE_MAX).
    static let maxValue = 65_536
    /// The largest name list Linux returns (XATTR_LIST_MAX).
    static let maxList = 65_536

    /// The attributes of an open file.
    static func read(fd: Int32) -> (xattrs: [TarXattr], error: Int32?) {
        collect(
            list: { TarXattrCalls.flistxattr(fd, $0, $1) },
            get: { name, buffer, size in TarXattrCalls.fgetxattr(fd, name, buffer, size) })
    }

    /// The attributes of `path` itself (a symlink is not followed).
    static func read(path: [UInt8]) -> (xattrs: [TarXattr], error: Int32?) {
        let c = TarBytes.c(path)
        return collect(
            list: { TarXattrCalls.llistxattr(c, $0, $1) },
            get: { name, buffer, size in TarXattrCalls.lgetxattr(c, name, buffer, size) })
    }

    /// Lists names, then reads each value; attributes that vanish in between are left out.
    private static func collect(
        list: (UnsafeMutablePointer<CChar>?, Int) -> Int,
        get: (UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    ) -> (xattrs: [TarXattr], error: Int32?) {
        var names = [CChar](repeating: 0, count: 1024)
        var n = list(&names, names.count)
        if n < 0 && errno == ERANGE {
            names = [CChar](repeating: 0, count: maxList)
            n = list(&names, names.count)
        }
        if n < 0 {
            let code = errno
            return ([], code == ENOTSUP || code == ENOENT ? nil : code)
        }
        guard n > 0 else { return ([], nil) }
        var out: [TarXattr] = []
        for raw in names[0..<n].split(separator: 0) {
            switch value(Array(raw) + [0], get: get) {
            case .success(let bytes?): out.append(TarXattr(name: raw.map { UInt8(bitPattern: $0) }, value: bytes))
            case .success(nil): continue
            case .failure(let error): return (out, error.code)
            }
        }
        out.sort { $0.name.lexicographicallyPrecedes($1.name) }
        return (out, nil)
    }

    /// One attribute's value, its size asked first; nil when it vanished in between.
    private static func value(
        _ cName: [CChar], get: (UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    ) -> Result<[UInt8]?, SystemCallError> {
        cName.withUnsafeBufferPointer { p in
            guard let name = p.baseAddress else { return .success(nil) }
            var size = get(name, nil, 0)
            for _ in 0..<2 {
                if size < 0 {
                    let code = errno
                    return code == ENODATA ? .success(nil) : .failure(SystemCallError(code))
                }
                var value = [UInt8](repeating: 0, count: size)
                let n = value.withUnsafeMutableBytes { get(name, $0.baseAddress, $0.count) }
                if n >= 0 { return .success(Array(value[0..<n])) }
                let code = errno
                if code == ENODATA { return .success(nil) }
                if code != ERANGE { return .failure(SystemCallError(code)) }
                size = maxValue  // it grew between the two calls
            }
            return .failure(SystemCallError(ERANGE))
        }
    }
}
