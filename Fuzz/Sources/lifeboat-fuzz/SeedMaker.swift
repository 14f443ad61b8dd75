import Foundation
import LifeboatCore

@testable import LifeboatCrypto
@testable import LifeboatPipeline

/// Writes the seeds that Lifeboat's own writers make (`LIFEBOAT_FUZZ_MAKE_SEEDS=DIR`): a message from the
/// encryptor, gzip members from the member writer, armor, a manifest. The seeds that GnuPG, gzip and tar
/// make are written by hand (see Fuzz/README.md); all of them are kept in Fuzz/corpus/.
enum SeedMaker {
    static let manifestID = "20261128T020000Z-abcdef"

    /// A manifest as the shipper writes it, for the fixed expectation of the manifest target.
    static let manifest = """
        {
          "bytes_in" : 3000,
          "bytes_out" : 2100,
          "chunks" : [
            {
              "name" : "data.000000",
              "sha256" : "9a0b6f1c9a0b6f1c9a0b6f1c9a0b6f1c9a0b6f1c9a0b6f1c9a0b6f1c9a0b6f1c",
              "size" : 1024
            },
            {
              "name" : "data.000001",
              "sha256" : "6f1c9a0b6f1c9a0b6f1c9a0b6f1c9a0b6f1c9a0b6f1c9a0b6f1c9a0b6f1c9a0b",
              "size" : 1076
            }
          ],
          "compression" : "gzip",
          "encryption" : "openpgp",
          "finished" : "2026-11-28T02:00:07Z",
          "format" : 1,
          "host" : "db1",
          "id" : "20261128T020000Z-abcdef",
          "kind" : "files",
          "lock_window_ms" : 12,
          "payload" : "tar",
          "policy" : "tree",
          "recipients" : [
            "92BA17B92E7B20CEBDDB208754C76D4314803973"
          ],
          "signer" : "7A00794283B4ECFFE78968052335CE186B2E7AD0",
          "started" : "2026-11-28T02:00:00Z",
          "tool" : "lifeboat"
        }

        """

    static func text(_ count: Int) -> [UInt8] {
        Array(String(repeating: "lifeboat keeps every byte; ", count: count / 27 + 1).utf8.prefix(count))
    }

    static func write(into folder: String) throws {
        func put(_ target: String, _ name: String, _ bytes: [UInt8]) throws {
            let dir = folder + "/" + target
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        let secret = FuzzTargets.decryptionKey
        let recipient = try OpenPGPPublicKey(bytes: Array(FuzzKeys.decryptionPublic.utf8), now: FuzzTargets.now)
        _ = secret
        for (name, size, power) in [("lifeboat-small.pgp", 100, 9), ("lifeboat-chunked.pgp", 1500, 9)] {
            let sink = MemorySink()
            let encryptor = try OpenPGPEncryptor(recipients: [recipient], output: sink, chunkPower: power)
            try encryptor.write(text(size))
            try encryptor.finish()
            try put("openpgp-message", name, sink.bytes)
        }
        for (name, size, block) in [("lifeboat-one-member.gz", 200, 1 << 20), ("lifeboat-members.gz", 700, 256)] {
            let sink = MemorySink()
            let writer = try GzipMemberWriter(level: 6, output: sink, blockSize: block, concurrency: 2)
            try writer.write(text(size))
            try writer.finish()
            try put("gzip", name, sink.bytes)
        }
        try put(
            "gzip", "lifeboat-empty.gz",
            try {
                let sink = MemorySink()
                let writer = try GzipMemberWriter(level: 6, output: sink, blockSize: 256, concurrency: 1)
                try writer.finish()
                return sink.bytes
            }())
        try put("armor", "public-key.asc", Array(FuzzKeys.signerPublic.utf8) + [0x0A])
        try put("armor", "message.asc", Array(Armor.encode(text(120), block: .message).utf8))
        try put("manifest", "manifest.json", Array(manifest.utf8))
    }
}
