import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// glibc functions that Swift's Glibc module hides behind _GNU_SOURCE, looked up at run time.
public enum GNU {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    typealias SyncFS = @convention(c) (Int32) -> Int32
    static let pipe2Fn: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    static let syncfsFn: SyncFS? = dlsym(nil, "syncfs").map { unsafeBitCast($0, to: SyncFS.self) }

    public static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        if let f = pipe2Fn { return f(fds, flags) }
        guard Glibc.pipe(fds) == 0 else { return -1 }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    /// syncfs(2), or sync(2) where it is missing.
    public static func syncfs(_ fd: Int32) {
        if let f = syncfsFn { _ = f(fd) } else { sync() }
    }
}
