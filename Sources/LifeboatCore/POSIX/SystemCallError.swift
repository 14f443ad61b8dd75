#if canImport(Glibc)
    import Glibc
#endif

/// The errno of a failed system call, as a typed error: callers word the message, this keeps the code.
package struct SystemCallError: Error, Sendable, Equatable {
    package let code: Int32

    package init(_ code: Int32) { self.code = code }

    /// The C library's text for the code (strerror), as the messages quote it.
    package var reason: String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
