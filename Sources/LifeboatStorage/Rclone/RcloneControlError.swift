/// Why a call to the long-lived `rclone rcd` failed, in terms the rclone destination can turn into a
/// `StorageError`: whether the daemon could be started or reached at all, whether its answer could be
/// read, or what it said went wrong (its HTTP status and its own one-line reason).
package struct RcloneControlError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// `rclone rcd` could not be started, or ended before it listened.
        case cannotStart
        /// The daemon's socket did not take the call, or the connection broke mid-answer.
        case unreachable
        /// The answer was not what the remote-control API sends: no HTTP status line, not JSON, too large.
        case malformed
        /// rclone does not know the method (an older rclone): not the "not found" of an object.
        case unknownMethod
        /// rclone answered with an error status (404: the object or folder is not there).
        case status(Int)
    }

    package let kind: Kind
    /// One line, printable, without the daemon's secret.
    package let message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }

    /// What the failure means for a caller that retries transient failures and stops at permanent ones.
    package var storageKind: StorageError.Kind {
        switch kind {
        case .cannotStart, .malformed, .unknownMethod: return .permanent
        case .unreachable: return .transient
        case .status(404): return .notFound
        case .status(let code) where code >= 400 && code < 500: return .permanent
        case .status: return RcloneExit.kind(status: 1, stderr: message)
        }
    }
}
