import Foundation
import LifeboatCore
import LifeboatS3
import LifeboatStorage

@testable import LifeboatConfig
@testable import LifeboatCrypto
@testable import LifeboatPipeline
@testable import LifeboatSources

/// The fuzz targets by name; each takes one input and traps on a finding.
enum FuzzTargets {
    static let all: [String: @Sendable (UnsafeRawBufferPointer) -> Void] = [
        "openpgp-key": openPGPKey,
        "openpgp-message": openPGPMessage,
        "armor": armor,
        "signature": signature,
        "gzip": gzip,
        "zstd": zstd,
        "tar": tar,
        "manifest": manifest,
        "latest-index": latestIndex,
        "config": config,
        "rclone-listing": rcloneListing,
        "s3-versions": s3Versions,
        "point-in-time": pointInTime,
    ]
    static var names: [String] { all.keys.sorted() }

    /// A fixed clock, so that expiry and "in the future" checks do not change from run to run.
    static let now = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01T00:00:00Z

    // MARK: OpenPGP

    static let passphrase = "fuzz"

    /// Every key parser: public keys (recipients), secret keys (restore's identity, possibly protected),
    /// trusted signers' keys and the host's signing key.
    static func openPGPKey(_ input: UnsafeRawBufferPointer) {
        let bytes = [UInt8](input)
        tolerate(CryptoError.self, "public key") { _ = try OpenPGPPublicKey(bytes: bytes, now: now) }
        tolerate(CryptoError.self, "secret key") { _ = try OpenPGPSecretKey(bytes: bytes, passphrase: passphrase) }
        tolerate(CryptoError.self, "verifying key") { _ = try OpenPGPVerifyingKey(bytes: bytes, now: now) }
        tolerate(CryptoError.self, "signing key") { _ = try OpenPGPSigningKey(bytes: bytes, now: now) }
    }

    static let decryptionKey: OpenPGPSecretKey = {
        do {
            return try OpenPGPSecretKey(bytes: Array(FuzzKeys.decryptionSecret.utf8), passphrase: nil)
        } catch {
            fatalError("lifeboat-fuzz: the fixed decryption key does not load: \(error)")
        }
    }()

    /// A message (binary or armored) decrypted with a fixed secret key, the way restore reads chunks.
    static func openPGPMessage(_ input: UnsafeRawBufferPointer) {
        let sink = MemorySink()
        let decryptor = OpenPGPDecryptor(keys: [decryptionKey], output: sink)
        var failed = false
        do {
            try feed(input, to: decryptor)
        } catch let error as CryptoError {
            if verbose { printError("message: refused: \(error)\n") }
            failed = true
        } catch {
            require(false, "message: unexpected error \(type(of: error)): \(error)")
        }
        // The output is finished only when the whole message, integrity check included, was good.
        require(!(failed && sink.finished), "message: a refused message finished its output")
    }

    static let armorBlocks: [Armor.Block] = [.publicKey, .privateKey, .message, .signature]

    /// Armor as keys and signatures read it, and as messages stream it; and encode-then-decode of the
    /// input as data gives it back.
    static func armor(_ input: UnsafeRawBufferPointer) {
        let bytes = [UInt8](input)
        tolerate(CryptoError.self, "armor") { _ = try Armor.decode(bytes, kind: .badKey) }
        tolerate(CryptoError.self, "armor stream") {
            var total = 0
            let stream = ArmorStream { total += $0.count }
            try stream.feed(input)
            try stream.finish()
        }
        let block = armorBlocks[bytes.count % armorBlocks.count]
        let text = Armor.encode(bytes, block: block)
        do {
            let (label, data) = try Armor.decode(Array(text.utf8), kind: .badKey)
            require(label == block.rawValue && data == bytes, "armor: encode then decode changed the data")
        } catch {
            require(false, "armor: decode refused what encode wrote: \(error)")
        }
    }

    static let trustedSigner: OpenPGPVerifyingKey = {
        do {
            return try OpenPGPVerifyingKey(bytes: Array(FuzzKeys.signerPublic.utf8), now: now)
        } catch {
            fatalError("lifeboat-fuzz: the fixed signer's key does not load: \(error)")
        }
    }()

    /// The bytes the seed signatures sign: a manifest, as in a backup.
    static let signedData = Array(SeedMaker.manifest.utf8)

    /// A detached signature over fixed bytes, checked against one fixed trusted signer.
    static func signature(_ input: UnsafeRawBufferPointer) {
        tolerate(CryptoError.self, "signature") {
            let verified = try DetachedSignature.verify(
                signature: [UInt8](input), data: signedData, trusted: [trustedSigner], now: now)
            require(verified.signer == trustedSigner.fingerprint, "signature: accepted for a key that is not trusted")
        }
    }

    // MARK: gzip

    /// The gzip reader on hostile bytes; and the writer's output of the input reads back as the input.
    static func gzip(_ input: UnsafeRawBufferPointer) {
        tolerate(CompressionError.self, "gzip") {
            try feed(input, to: GzipReader(output: MemorySink(), concurrency: 2))
        }
        do {
            let packed = MemorySink()
            try feed(input, to: GzipMemberWriter(level: 1, output: packed, blockSize: 64, concurrency: 2))
            let unpacked = MemorySink()
            try packed.bytes.withUnsafeBytes { try feed($0, to: GzipReader(output: unpacked, concurrency: 2)) }
            require(unpacked.bytes.elementsEqual(input), "gzip: write then read changed the data")
        } catch {
            require(false, "gzip: round trip failed: \(error)")
        }
    }

    // MARK: zstd

    /// The zstd reader on hostile bytes (announced frames and the serial stream); and the writer's output
    /// of the input reads back as the input.
    static func zstd(_ input: UnsafeRawBufferPointer) {
        tolerate(CompressionError.self, "zstd") {
            try feed(input, to: ZstdFrameReader(output: MemorySink(), concurrency: 2))
        }
        do {
            let packed = MemorySink()
            try feed(input, to: ZstdFrameWriter(level: 1, output: packed, blockSize: 64, concurrency: 2))
            let unpacked = MemorySink()
            try packed.bytes.withUnsafeBytes { try feed($0, to: ZstdFrameReader(output: unpacked, concurrency: 2)) }
            require(unpacked.bytes.elementsEqual(input), "zstd: write then read changed the data")
        } catch {
            require(false, "zstd: round trip failed: \(error)")
        }
    }

    // MARK: tar

    /// A private folder for the tar target; each input gets a fresh `run/target` inside it.
    static let sandbox = privateFolder("tar")

    /// The safe extractor (and through it the stream parser and header decoder) into a fresh folder;
    /// whatever the archive says, nothing may appear beside that folder, and no file descriptor stays open.
    static func tar(_ input: UnsafeRawBufferPointer) {
        let run = sandbox + "/run"
        let target = run + "/target"
        let fm = FileManager.default
        let descriptors = openDescriptors()
        require(mkdir(run, 0o700) == 0 && mkdir(target, 0o700) == 0, "tar: cannot make \(target): errno \(errno)")
        tolerate(ArchiveError.self, "tar") {
            try feed(input, to: SafeTarExtractor(targetDirectory: target, syncing: false))
        }
        let leaked = openDescriptors()
        require(leaked == descriptors, "tar: \(leaked - descriptors) file descriptors left open")
        do {
            let beside = try fm.contentsOfDirectory(atPath: sandbox)
            let inRun = try fm.contentsOfDirectory(atPath: run)
            require(
                beside == ["run"] && inRun == ["target"],
                "tar: extraction wrote outside its folder: \(beside) \(inRun)")
            try fm.removeItem(atPath: run)
        } catch {
            require(false, "tar: cannot list or remove \(run): \(error)")
        }
    }

    /// How many file descriptors this process holds.
    static func openDescriptors() -> Int {
        guard let dir = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(dir) }
        var count = -1  // the one opendir holds
        while readdir(dir) != nil { count += 1 }
        return count - 2  // "." and ".."
    }

    // MARK: manifest

    static let expectation = ManifestReader.Expectation(
        host: "db1", policy: "tree", kind: "files", id: BackupID(SeedMaker.manifestID) ?? BackupID(date: now), now: now)

    /// The manifest reader; an accepted manifest names contiguous chunks whose sizes add up.
    static func manifest(_ input: UnsafeRawBufferPointer) {
        tolerate(ManifestReader.Refusal.self, "manifest") {
            let m = try ManifestReader.read([UInt8](input), expecting: expectation)
            require(!m.chunks.isEmpty, "manifest: accepted with no chunks")
            for (index, chunk) in m.chunks.enumerated() {
                require(
                    chunk.name == String(format: "data.%06d", index) && Manifest.isChunkName(chunk.name),
                    "manifest: chunk \(index) accepted as \(chunk.name)")
            }
            require(m.chunks.reduce(0) { $0 + $1.size } == m.bytesOut, "manifest: accepted sizes that do not add up")
            require(
                m.id == expectation.id.rawValue && m.host == expectation.host && m.policy == expectation.policy,
                "manifest: accepted for another backup")
        }
    }

    // MARK: latest.json

    static let latestExpectation = LatestIndexReader.Expectation(host: "db1", policy: "tree", now: now)

    /// What point-in-time recovery reads from outside: WAL file names (archive_command's argument, a
    /// listing), WAL positions and times (the command line, a server), the `CHANGE MASTER` comment of a
    /// dump, a base backup's `backup_label` and `backup_manifest` tail, and an archived binary log's
    /// manifest. The first line of the input is tried as each one-line form; the whole as the rest.
    static func pointInTime(_ input: UnsafeRawBufferPointer) {
        let bytes = [UInt8](input)
        let text = String(decoding: bytes, as: UTF8.self)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
        if let wal = WALFileName(String(line)) {
            require(wal.name == String(line), "wal name: accepted \(line.debugDescription) as \(wal.name)")
            require(
                wal.name.utf8.allSatisfy { $0 == 0x2E || ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x7A) },
                "wal name: accepted \(wal.name.debugDescription)")
        }
        if let lsn = PostgresLSN(line) {
            require(PostgresLSN(lsn.description) == lsn, "lsn: \(line.debugDescription) does not round-trip")
        }
        if let date = PointInTimeTarget.parseTime(String(line)) {
            require(date.timeIntervalSince1970.isFinite, "time: \(line.debugDescription) read as \(date)")
        }
        if let position = BinlogPosition.parse(changeMasterLine: line) {
            require(
                BinlogPosition.isLogName(position.file) && position.position >= 4,
                "binlog position: accepted \(position.file.debugDescription) at \(position.position)")
        }
        let halves = text.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        tolerate(LifeboatError.self, "backup_label") {
            let wal = try PostgresBaseBackupLabel.parse(
                label: String(halves[0]), manifestTail: halves.count > 1 ? String(halves[1]) : "")
            require(wal.start <= wal.stop, "backup_label: accepted a range that ends before it starts")
        }
        tolerate(ManifestReader.Refusal.self, "binlog manifest") {
            let m = try BinlogManifest.read(bytes, host: "db1", policy: "shop", name: "mysql-bin.000042")
            require(m.name == "mysql-bin.000042" && m.host == "db1", "binlog manifest: accepted for another log")
            require(m.chunks.reduce(0) { $0 + $1.size } == m.bytesOut, "binlog manifest: sizes do not add up")
        }
    }

    /// `rclone lsjson` output, as a listing and as one `--stat` entry, the `rclone rcd` answer that
    /// carries the same listing, and the head of its answer to a served read: what is accepted is a
    /// relative key whose name ends it, a file's size that is a byte count, a hash that is hex.
    static func rcloneListing(_ input: UnsafeRawBufferPointer) {
        let bytes = [UInt8](input)
        tolerate(RcloneListing.Malformed.self, "rclone listing") {
            for e in try RcloneListing.parse(bytes).entries {
                require(ObjectKey.isValid(e.path), "rclone listing: accepted the path \(e.path.debugDescription)")
                require(e.isDir || e.size >= 0, "rclone listing: accepted the size \(e.size)")
            }
        }
        tolerate(RcloneListing.Malformed.self, "rclone stat") {
            let e = try RcloneListing.parseStat(bytes)
            require(ObjectKey.isValid(e.path), "rclone stat: accepted the path \(e.path.debugDescription)")
        }
        // The same listing as the long-lived rclone rcd answers it: an HTTP answer around a JSON object.
        tolerate(RcloneControlError.self, "rclone rcd answer") {
            let body = try RcloneControlCall.parse(bytes, method: "operations/list", limit: 1 << 20)
            require(body.count <= 1 << 20, "rclone rcd answer: accepted a body of \(body.count) bytes")
            guard let answer = try? JSONDecoder().decode(RcloneDestination.ListAnswer.self, from: body) else { return }
            for (i, raw) in answer.list.enumerated() {
                guard let e = try? raw.checked(at: i) else { continue }
                require(ObjectKey.isValid(e.path), "rclone rcd answer: accepted the path \(e.path.debugDescription)")
                if let hash = try? raw.hash("sha256", hexDigits: 64) {
                    require(hash.utf8.count == 64, "rclone rcd answer: accepted the sha256 \(hash.debugDescription)")
                }
            }
        }
        // The head of the daemon's answer to a served read (GET /[remote]/key).
        tolerate(RcloneControlError.self, "rclone served read") {
            let head = try RcloneServedRead.parseHead(bytes.prefix(64 << 10), method: "read k")
            require((100...599).contains(head.status), "rclone served read: accepted the status \(head.status)")
            require((head.contentLength ?? 0) >= 0, "rclone served read: accepted a negative length")
            require((head.rangeStart ?? 0) >= 0, "rclone served read: accepted a negative range start")
        }
    }

    /// The `latest.json` reader the recovery host judges a fleet by; an accepted index is for the
    /// policy it was found under, names a well-formed backup id and carries checked objectives.
    static func latestIndex(_ input: UnsafeRawBufferPointer) {
        tolerate(LatestIndexReader.Refusal.self, "latest.json") {
            let x = try LatestIndexReader.read([UInt8](input), expecting: latestExpectation)
            require(x.host == "db1" && x.policy == "tree", "latest.json: accepted for another policy")
            require(BackupID(x.id) != nil, "latest.json: accepted a malformed id \(x.id)")
            require(x.objectives.rpo >= 1, "latest.json: accepted an RPO of \(x.objectives.rpo)")
            require((x.payloadSize == nil) == (x.payloadSHA256 == nil), "latest.json: accepted half a payload digest")
        }
    }

    // MARK: S3 answers

    /// A ListObjectVersions answer, the listing restore and verify trust to find a hidden backup object;
    /// an accepted page has a key and a version id on every entry, a size on every real version and on
    /// no delete marker, and a marker to go on from when it says it is truncated.
    static func s3Versions(_ input: UnsafeRawBufferPointer) {
        tolerate(S3VersionsXML.Malformed.self, "version listing") {
            let page = try S3VersionsXML.page([UInt8](input))
            for (key, version) in page.entries {
                require(!key.isEmpty && !version.id.isEmpty, "version listing: accepted an entry without key or id")
                require(
                    version.isDeleteMarker == (version.size == nil),
                    "version listing: accepted a size on a marker or none on a version")
                require((version.size ?? 0) >= 0, "version listing: accepted a negative size")
            }
            require(!page.truncated || page.nextKeyMarker != nil, "version listing: truncated with nowhere to go on")
        }
    }

    // MARK: config

    static let configFolder = privateFolder("config")

    /// Private folders the targets made, removed when the fuzzer exits.
    nonisolated(unsafe) static var madeFolders: [String] = []

    /// A fresh 0700 folder under the temporary directory, removed at exit.
    static func privateFolder(_ name: String) -> String {
        var template = Array((NSTemporaryDirectory() + "/lifeboat-fuzz-\(name).XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("lifeboat-fuzz: mkdtemp failed") }
        let path = String(cString: made)
        if madeFolders.isEmpty {
            atexit { for folder in FuzzTargets.madeFolders { try? FileManager.default.removeItem(atPath: folder) } }
        }
        madeFolders.append(path)
        return path
    }

    /// A policy file and an agent config file with the input as their text.
    static func config(_ input: UnsafeRawBufferPointer) {
        let file = configFolder + "/input.yaml"
        require(FileManager.default.createFile(atPath: file, contents: Data(input)), "config: cannot write \(file)")
        tolerate(LifeboatError.self, "policy") { _ = try PolicyParser.parse(file: file) }
        tolerate(LifeboatError.self, "agent config") { _ = try AgentConfig.load(file: file) }
        tolerate(LifeboatError.self, "recovery config") { _ = try RecoveryConfig.load(file: file) }
    }
}
