import Foundation
import LifeboatCore

/// A fresh directory under the system temp folder, removed when the value is released.
package final class TemporaryDirectory: Sendable {
    package let path: String
    package var url: URL { URL(fileURLWithPath: path) }

    package init(prefix: String = "lb") throws {
        let base = FileManager.default.temporaryDirectory.path
        let template = "\(base)/\(prefix)-XXXXXX"
        do {
            path = try UniqueFolder.make(template: template)
        } catch {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    /// A path inside the directory.
    package func file(_ name: String) -> String { "\(path)/\(name)" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
