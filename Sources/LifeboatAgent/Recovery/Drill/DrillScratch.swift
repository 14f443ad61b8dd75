import Foundation
import LifeboatCore

/// The scratch folder drills restore into: made 0700 when missing, checked before any drill starts, and
/// holding only drills' own folders (`.drill-<pid>-XXXXXX`, each an `OwnedFolder`), so a killed drill's
/// plaintext is swept by the next drill and nothing else in it is ever touched.
package enum DrillScratch {
    /// The prefix of each drill's own folder inside the scratch folder.
    package static let prefix = ".drill-"

    /// Makes the scratch folder if needed, refuses one that cannot be used (exit 65, naming it), and
    /// removes what killed drills left. Returns the folders swept.
    @discardableResult
    package static func prepare(_ scratch: String) throws -> [String] {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: scratch, isDirectory: &isDir) {
            guard mkdir(scratch, 0o700) == 0 || errno == EEXIST else {
                throw unusable(scratch, "cannot create it: \(String(cString: strerror(errno)))")
            }
        } else if !isDir.boolValue {
            throw unusable(scratch, "it is not a folder")
        }
        guard access(scratch, R_OK | W_OK | X_OK) == 0 else {
            throw unusable(scratch, "cannot use it: \(String(cString: strerror(errno)))")
        }
        return OwnedFolder.sweep(parent: scratch, prefix: prefix)
    }

    static func unusable(_ scratch: String, _ why: String) -> LifeboatError {
        LifeboatError(
            .badInput, "scratch folder \(scratch): \(why)",
            hint: "set scratch: in the recovery config to a folder this user can create and write")
    }

    /// A drill's own private folder inside the scratch folder, removed by `OwnedFolder.remove`.
    static func open(_ scratch: String) throws -> OwnedFolder {
        try OwnedFolder(parent: scratch, prefix: prefix)
    }
}
