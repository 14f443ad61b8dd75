import Foundation
import LifeboatCore
import LifeboatPipeline
import LifeboatSources

/// Where restored plaintext goes, written so that a failure leaves nothing under the real name:
/// a file tree is extracted into a sibling staging folder and renamed into place; a dump or
/// database file is written under a temporary name and renamed.
final class RestoreTarget {
    let path: String
    let sink: ByteSink
    private let staging: String?
    private let fileSink: FileSink?
    private let abandonLoader: (() -> Void)?
    private let select: TarPathFilter
    /// The mode the restored folder gets: 0700 for a PostgreSQL data directory (the server refuses a
    /// wider one), 0755 for any other tree.
    private let folderMode: mode_t

    /// Streams into a loader (a database client) instead of a path; its end is held back until the
    /// message has been verified.
    init(loader: RestoreUseCase.Loader, payload: String) throws {
        let made = try loader.make(payload)
        path = loader.description
        sink = TailHoldingSink(next: made.sink)
        staging = nil
        fileSink = nil
        abandonLoader = made.abandon
        select = TarPathFilter([])
        folderMode = 0o755
    }

    /// `path` names the file (or, for a file tree, the folder) to write. For a dump or database file,
    /// an existing folder means "in here": the file is `fileName` inside it.
    init(path requested: String, payload: String, fileName: String, select: TarPathFilter = TarPathFilter([]))
        throws
    {
        abandonLoader = nil
        self.select = select
        folderMode = payload == PostgresBaseBackup.payload ? 0o700 : 0o755
        let tree = Self.treePayloads.contains(payload)
        if !select.selectsAll && payload != "tar" {
            throw LifeboatError(
                .usage, "--path picks entries of a file tree; this backup holds a single \(payload) payload",
                hint: "restore it whole with --to FILE")
        }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        var path = requested
        if !tree, fm.fileExists(atPath: requested, isDirectory: &isDir), isDir.boolValue {
            path = (requested as NSString).appendingPathComponent(fileName)
        }
        self.path = path
        if fm.fileExists(atPath: path, isDirectory: &isDir) {
            let empty = isDir.boolValue && ((try? fm.contentsOfDirectory(atPath: path))?.isEmpty ?? false)
            guard tree, empty else {
                throw LifeboatError(
                    .usage, "restore target \(path) already exists; name a new path (or an empty folder for files)")
            }
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, !fm.fileExists(atPath: parent) {
            throw LifeboatError(.usage, "restore target's folder \(parent) does not exist")
        }
        if tree {
            let dir = "\(path).lifeboat-partial-\(getpid())"
            try ExclusiveFile.makePrivateFolder(dir)
            staging = dir
            fileSink = nil
            sink = try SafeTarExtractor(targetDirectory: dir, select: select)
        } else {
            let f = try FileSink(path: path)
            staging = nil
            fileSink = f
            sink = f
        }
    }

    /// Payloads that are a pax tar and restore `--to` a folder: a file tree, and a `pg_bundle`
    /// (`globals.sql` and the directory-format dump, for psql and pg_restore by hand).
    /// A `pg_basebackup-tar` is a PostgreSQL data directory, laid out as it was.
    static let treePayloads: Set<String> = ["tar", PostgresBundle.payload, PostgresBaseBackup.payload]

    /// What the extraction of a file tree said without failing (types skipped, attributes not restored).
    var warnings: [String] { (sink as? SafeTarExtractor)?.report.warnings ?? [] }

    /// Moves a finished file tree into place (the sink's finish already did it for a file).
    func commit() throws {
        guard let staging else { return }
        if !select.selectsAll, let extractor = sink as? SafeTarExtractor, extractor.selected == 0 {
            throw NothingSelected(paths: select.paths)
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { try? fm.removeItem(atPath: path) }
        CrashPoint.hit("restore.before-rename")
        guard rename(staging, path) == 0 else {
            throw LifeboatError.failed("cannot move \(staging) to \(path): \(String(cString: strerror(errno)))")
        }
        // The staging folder was made 0700; the tree's own root takes the mode it had in the archive
        // only when the archive holds it, so open it to the operator as an ordinary folder (a data
        // directory stays private).
        chmod(path, folderMode)
    }

    /// The private folder beside the target that holds plaintext until `commit` (nil for a loader).
    var partialPath: String? { staging ?? fileSink?.folder }

    /// Removes whatever was written; called on every failure path.
    func abandon() {
        abandonLoader?()
        fileSink?.abandon()
        if let staging { try? FileManager.default.removeItem(atPath: staging) }
    }
}

/// `restore --path` matched no entry of the backup: said as it is (exit 1), not taken for a damaged
/// backup to walk back from.
struct NothingSelected: Error {
    let paths: [String]

    var asFailure: LifeboatError {
        LifeboatError.failed(
            "no entry of the backup matches --path \(paths.joined(separator: " ")); nothing was written",
            hint: "lifeboat ls POLICY --identity KEY shows what it holds")
    }
}
