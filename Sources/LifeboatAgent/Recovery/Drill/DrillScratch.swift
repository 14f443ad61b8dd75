import Foundation
import LifeboatConfig
import LifeboatCore

/// The scratch folder drills restore into: made 0700 when missing, checked before any drill starts, and
/// holding only drills' own folders (`.drill-<pid>-XXXXXX`, each an `OwnedFolder`), so a killed drill's
/// plaintext is swept by the next drill and nothing else in it is ever touched. A drill notes the scratch
/// database it creates in its folder, so the sweep drops the database a killed drill left, and no other.
package enum DrillScratch {
    /// The prefix of each drill's own folder inside the scratch folder.
    package static let prefix = ".drill-"
    /// The file in a drill's folder that names the scratch database it created (`postgres\n<name>\n`);
    /// `database.N` for each database of a `sql_databases` dump.
    static let databaseNote = "database"

    /// What a sweep removed: dead drills' folders, and the scratch databases they had noted.
    package struct Swept: Sendable {
        package var folders: [String] = []
        package var databases: [String] = []
        package var problems: [String] = []
    }

    /// Makes the scratch folder (and its parents) if needed, refuses one that cannot be used (exit 65, naming it), and
    /// removes what killed drills left: their folders, and the scratch databases they noted (on the
    /// servers `servers` names). Returns what was swept.
    @discardableResult
    package static func prepare(_ scratch: String, servers: RecoveryConfig.ScratchDatabases = .none) throws -> Swept {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: scratch, isDirectory: &isDir) {
            let parent = (scratch as NSString).deletingLastPathComponent
            if !parent.isEmpty {
                try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
            guard mkdir(scratch, 0o700) == 0 || errno == EEXIST else {
                throw unusable(scratch, "cannot create it: \(String(cString: strerror(errno)))")
            }
        } else if !isDir.boolValue {
            throw unusable(scratch, "it is not a folder")
        }
        guard access(scratch, R_OK | W_OK | X_OK) == 0 else {
            throw unusable(scratch, "cannot use it: \(String(cString: strerror(errno)))")
        }
        try ScratchDatabase.validate(servers)
        var databases: [String] = []
        var problems: [String] = []
        let folders = OwnedFolder.sweep(parent: scratch, prefix: prefix) { folder in
            PostgresDataDirectoryProof.stopLeftover(in: folder)
            // `database`, or `database.N` for each database of a sql_databases dump.
            let notes = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0 == databaseNote || $0.hasPrefix(databaseNote + ".") }
            for note in notes {
                guard let db = ScratchDatabase.leftover(note: "\(folder)/\(note)", servers: servers) else { continue }
                if let problem = db.drop() {
                    problems.append(problem)
                } else {
                    databases.append(db.name)
                }
            }
        }
        return Swept(folders: folders, databases: databases, problems: problems)
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
