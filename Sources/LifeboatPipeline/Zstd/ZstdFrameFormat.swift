/// The framing the zstd payload uses, as `pzstd` writes it: independent zstd frames of about 1 MiB of
/// plaintext, each announced by a skippable frame (magic 0x184D2A50, 4 bytes of content) holding the
/// next frame's compressed size. Stock `zstd -d` skips the announcements and reads the frames one after
/// another; Lifeboat (and `pzstd -d`) read the sizes and inflate the frames in parallel.
enum ZstdFrameFormat {
    /// The skippable frame's magic number, little-endian on the wire.
    static let skippableMagic: UInt32 = 0x184D_2A50
    /// A zstd frame's magic number.
    static let frameMagic: UInt32 = 0xFD2F_B528
    /// Magic, content size (4), then the next frame's compressed size.
    static let announcementSize = 12
    /// The most plaintext one frame may hold when read in parallel (Lifeboat writes 1 MiB).
    static let maxFrameContent = 16 << 20
    /// The most compressed bytes one announced frame may take.
    static let maxFrameSize = 17 << 20

    static func loadLE32(_ bytes: [UInt8], at offset: Int = 0) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }
}
