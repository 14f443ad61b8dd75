#if canImport(Glibc)
    import Glibc
#endif

/// mkdtemp(3) in one place: a new folder (mode 0700) whose name is a template with its trailing
/// `XXXXXX` replaced, so no two callers (or processes) ever get the same one.
package enum UniqueFolder {
    /// Makes the folder and returns its path; throws the errno on failure.
    package static func make(template: String) throws(SystemCallError) -> String {
        var bytes = Array(template.utf8CString)
        let made: String? = bytes.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, let path = mkdtemp(base) else { return nil }
            return String(cString: path)
        }
        guard let made else { throw SystemCallError(errno) }
        return made
    }
}
