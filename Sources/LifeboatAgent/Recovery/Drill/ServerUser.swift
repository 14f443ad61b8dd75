import Foundation
import LifeboatCore

/// The account a throwaway PostgreSQL server runs as. PostgreSQL refuses to run as root, so a drill run
/// by root hands the restored data directory to the `postgres` account and starts the server through
/// `setpriv`; a drill run by any other account runs it as itself.
struct ServerUser {
    let name: String
    let uid: uid_t
    let gid: gid_t

    /// The argv prefix that runs a program as this account, with no supplementary groups.
    var prefix: [String] { ["setpriv", "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"] }

    /// nil when this process is not root (the server runs as this account); else the `postgres` account.
    static func forThisProcess() throws -> ServerUser? {
        guard geteuid() == 0 else { return nil }
        guard let pw = getpwnam("postgres") else {
            throw LifeboatError.failed(
                "cannot start the restored PostgreSQL data directory: PostgreSQL does not run as root, and there is no postgres account to run it as"
            )
        }
        return ServerUser(name: "postgres", uid: pw.pointee.pw_uid, gid: pw.pointee.pw_gid)
    }

    /// Gives every file under `folders` to this account, and lets it reach `path`: each folder above it
    /// inside `scratch` (the scratch folder included) gains search permission for others (never read),
    /// and one above the scratch folder that it cannot pass is an error naming it.
    func take(_ folders: [String], reaching path: String, within scratch: String) throws {
        for folder in folders {
            chown(folder, uid, gid)
            if let walker = FileManager.default.enumerator(atPath: folder) {
                while let relative = walker.nextObject() as? String { lchown("\(folder)/\(relative)", uid, gid) }
            }
        }
        var folder = (path as NSString).deletingLastPathComponent
        while !folder.isEmpty, folder != "/" {
            var st = stat()
            guard stat(folder, &st) == 0 else { break }
            if !canPass(st) {
                guard folder.hasPrefix(scratch + "/") || folder == scratch else {
                    throw LifeboatError.failed(
                        "cannot start the restored PostgreSQL data directory: the \(name) account cannot reach \(folder)",
                        hint: "let others pass through it (chmod o+x), or put scratch: where it can")
                }
                chmod(folder, (st.st_mode & 0o7777) | 0o011)
            }
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    private func canPass(_ st: stat) -> Bool {
        if st.st_uid == uid { return st.st_mode & 0o100 != 0 }
        if st.st_gid == gid { return st.st_mode & 0o010 != 0 }
        return st.st_mode & 0o001 != 0
    }
}
