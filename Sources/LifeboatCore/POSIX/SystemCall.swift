#if canImport(Glibc)
    import Glibc
#endif

/// The one place a system call interrupted by a signal (EINTR) is called again; everything else
/// goes through here or through `FileDescriptorIO`.
package enum SystemCall {
    /// Calls `call` again while it returns -1 with errno EINTR; returns the last result with its errno.
    @inline(__always)
    package static func retryingInterrupts<T: SignedInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result == -1 && errno == EINTR { continue }
            return result
        }
    }

    /// Calls `call` (retrying EINTR) and throws its errno when it returns -1.
    @discardableResult
    package static func check<T: SignedInteger>(_ call: () -> T) throws(SystemCallError) -> T {
        let result = retryingInterrupts(call)
        if result == -1 { throw SystemCallError(errno) }
        return result
    }
}
