/// 32-bit little-endian fields in raw memory, as gzip (trailers, the `LB` size field) and the zstd
/// announcements store them; one place, so both formats read and write them the same way.
enum LittleEndian {
    static func store32(_ value: UInt32, at p: UnsafeMutableRawPointer) {
        for i in 0..<4 { (p + i).storeBytes(of: UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))), as: UInt8.self) }
    }

    static func load32(_ p: UnsafeRawPointer) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(p.load(fromByteOffset: $1, as: UInt8.self)) << (8 * UInt32($1)) }
    }
}
