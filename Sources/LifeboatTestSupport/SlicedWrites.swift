import LifeboatCore

extension ByteSink {
    /// Writes `bytes` in slices of `slice` bytes (the last one shorter), the way a stream arrives in
    /// pieces; nothing for no bytes. The sink is not finished.
    package func write(_ bytes: [UInt8], inSlicesOf slice: Int) throws {
        try bytes.withUnsafeBytes { all in
            var offset = 0
            while offset < all.count {
                let n = min(slice, all.count - offset)
                try write(UnsafeRawBufferPointer(rebasing: all[offset..<offset + n]))
                offset += n
            }
        }
    }
}
