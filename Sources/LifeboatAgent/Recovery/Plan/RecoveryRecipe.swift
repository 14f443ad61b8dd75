import LifeboatConfig

/// The exact commands that bring a resource back, per kind: Lifeboat's `restore` (a folder, a file or
/// a database), and the stock-tool recipe that needs nothing but a shell, gpg, jq, gunzip (or zstd) and the kind's
/// own tools, fetching the chunks from one destination. The plan prints them as they are.
enum RecoveryRecipe {
    /// Stands for the backup's id when the plan does not know it.
    static let backupPlaceholder = "BACKUP-ID"
    /// Stands for one of the recipients' secret key files, brought from where it is kept.
    static let identityPlaceholder = "KEY.sec.asc"

    /// `ratings-db` becomes `ratings_db_restored`: a database name that needs no quoting.
    static func restoredDatabase(_ policy: String) -> String {
        String(policy.map { $0.isLetter || $0.isNumber ? $0 : "_" }) + "_restored"
    }

    /// Where `lifeboat restore --to` writes, per kind. A PostgreSQL backup restores to a folder (a
    /// `pg_bundle`: roles and a directory-format dump) or to one file (`pg_dump-custom`): its name
    /// suits both.
    static func restoreTarget(policy: String, kind: String) -> String {
        switch kind {
        case "files": "\(policy)-restored"
        case "sqlite": "\(policy).db"
        case "postgres": "\(policy)-dump"
        default: "\(policy).out"
        }
    }

    /// `lifeboat restore` lines for one policy. `into` is the connection words a database kind loads into.
    static func lifeboatRestore(policy: String, kind: String, config: String?, into: String?) -> [String] {
        var base = ["lifeboat", "restore", policy]
        if let config { base += ["--config", config] }
        let identity = ["--identity", identityPlaceholder]
        var lines = [ShellWord.line(base + ["--to", restoreTarget(policy: policy, kind: kind)] + identity)]
        if let into, kind == "postgres" || kind == "mariadb" {
            if kind == "postgres" { lines.append(ShellWord.line(["createdb", restoredDatabase(policy)])) }
            lines.append(ShellWord.line(base + ["--into", into] + identity))
        }
        return lines
    }

    /// The stock-tool recipe: fetch the chunks of `backupID` from `destination`, check the signature and
    /// every chunk's sha256, then decrypt, inflate and load as the kind needs.
    static func stock(host: String, policy: String, kind: String, backupID: String?, destination: DestinationSpec?)
        -> [String]
    {
        let id = backupID ?? backupPlaceholder
        var lines: [String] = []
        switch destination?.location {
        case .local(let root):
            lines.append("# the backup at \(destination?.name ?? "the destination")")
            lines.append("B=" + ShellWord.quote("\(root)/\(host)/\(policy)/\(id)"))
        case .s3(let s3):
            lines.append("# the backup at \(destination?.name ?? "the destination"), fetched into a new folder")
            if let credentials = s3.credentials { lines.append("set -a; . \(ShellWord.quote(credentials)); set +a") }
            lines.append("B=\(ShellWord.quote(id)) && mkdir \"$B\"")
            lines.append(
                ShellWord.line([
                    "aws", "s3", "cp", "--recursive", "--endpoint-url", s3.endpoint, "--region", s3.region,
                    "s3://\(s3.bucket)/\(s3.prefix)\(host)/\(policy)/\(id)/",
                ]) + " \"$B\"")
        case .rclone(let r):
            lines.append("# the backup at \(destination?.name ?? "the destination"), fetched into a new folder")
            let folder = r.remote.hasSuffix(":") || r.remote.hasSuffix("/") ? r.remote : r.remote + "/"
            lines.append("B=\(ShellWord.quote(id)) && mkdir \"$B\"")
            lines.append(
                ShellWord.line(["rclone", "--config", r.config, "copy", "\(folder)\(host)/\(policy)/\(id)/"])
                    + " \"$B\"")
        case nil:
            lines.append("# the folder holding the backup's manifest.json, manifest.json.sig and data.* files")
            lines.append("B=" + ShellWord.quote(id))
        }
        lines.append("gpg --verify \"$B/manifest.json.sig\" \"$B/manifest.json\"")
        lines.append("(cd \"$B\" && jq -r '.chunks[] | .sha256 + \"  \" + .name' manifest.json | sha256sum -c -)")
        let db = restoredDatabase(policy)
        // The manifest says how the payload was compressed: gunzip, or zstd -d.
        lines.append(
            "INFLATE=$(jq -r 'if .compression == \"zstd\" then \"zstd -d\" else \"gunzip\" end' \"$B/manifest.json\")")
        let decrypt = "cat \"$B\"/data.* | gpg --decrypt | $INFLATE"
        switch kind {
        case "files":
            lines.append("mkdir restored && \(decrypt) | tar -x -C restored")
        case "sqlite":
            let file = ShellWord.quote("\(policy).db")
            lines.append("\(decrypt) > \(file)")
            lines.append("sqlite3 \(file) 'PRAGMA integrity_check'")
        case "postgres":
            // The manifest says which layout the backup has: a pg_bundle (roles and a directory-format
            // dump in a tar) or, with globals: none and one job or from before, a pg_dump custom file.
            let file = ShellWord.quote("\(policy).dump")
            let folder = ShellWord.quote("\(policy)-bundle")
            lines.append("if [ \"$(jq -r .payload \"$B/manifest.json\")\" = pg_bundle ]; then")
            lines.append("  mkdir \(folder) && \(decrypt) | tar -x -C \(folder)")
            lines.append(
                "  [ ! -f \(folder)/globals.sql ] || psql -f \(folder)/globals.sql  # roles; existing ones say so")
            lines.append("  createdb \(db)")
            lines.append("  pg_restore --exit-on-error --dbname=\(db) \(folder)/database")
            lines.append("else")
            lines.append("  \(decrypt) > \(file)")
            lines.append("  createdb \(db)")
            lines.append("  pg_restore --no-owner --no-privileges --exit-on-error --dbname=\(db) \(file)")
            lines.append("fi")
        case "mariadb":
            // sql_databases (databases: ...) names its own databases and accounts: into a fresh server.
            lines.append("if [ \"$(jq -r .payload \"$B/manifest.json\")\" = sql_databases ]; then")
            lines.append("  \(decrypt) | mariadb  # on a fresh server")
            lines.append("else")
            lines.append("  mariadb -e 'CREATE DATABASE \(db)'")
            lines.append("  \(decrypt) | mariadb \(db)")
            lines.append("fi")
        default:
            lines.append("\(decrypt) > \(ShellWord.quote("\(policy).out"))")
        }
        return lines
    }

    /// What the Recovery procedure column says, in a few words.
    static func summary(kind: String) -> String {
        switch kind {
        case "files": "Restore the tree into a new folder, then move it into place; see Recovery commands."
        case "sqlite": "Restore the database file, check PRAGMA integrity_check, swap it in; see Recovery commands."
        case "postgres":
            "Restore into a new database (pg_restore --exit-on-error), check it, switch clients over; see Recovery commands."
        case "mariadb": "Load into a new database, check it, switch clients over; see Recovery commands."
        default: "Restore the command's output to a file and feed it to the program's import; see Recovery commands."
        }
    }

    /// Notes printed under every procedure.
    static func notes(backupID: String?, destination: DestinationSpec?) -> [String] {
        var notes = [
            "\(identityPlaceholder) is one of the recipients' secret keys (fingerprints under Key custody), brought from where it is kept off the host; gpg needs it imported (gpg --import).",
            "gpg --verify needs the backing-up host's public signing key imported (its fingerprint is under Key custody).",
        ]
        if backupID == nil {
            notes.append(
                "\(backupPlaceholder) is the newest folder under the policy's folder at the destination (ids sort by time)."
            )
        }
        if destination == nil { notes.append("No destination is known to hold this backup.") }
        return notes
    }
}
