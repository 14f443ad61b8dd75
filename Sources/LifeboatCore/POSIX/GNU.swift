import CLifeboatSystem

#if canImport(Glibc)
    import Glibc
#endif

/// glibc functions that Swift's Glibc module hides behind _GNU_SOURCE, called through the C shim.
package enum GNU {
    /// pipe2(2): both ends get `flags` (O_CLOEXEC) from the moment they exist.
    package static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        lifeboat_pipe2(fds, flags)
    }

    /// syncfs(2): flushes the file system holding `fd`; 0, or -1 with errno set (a write-back error).
    @discardableResult
    package static func syncfs(_ fd: Int32) -> Int32 {
        lifeboat_syncfs(fd)
    }
}
