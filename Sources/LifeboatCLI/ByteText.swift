import Foundation

/// Sizes as people read them: `512B`, `12.3MiB` in tables, `12.3 MiB` in sentences.
package enum ByteText {
    package static func human(_ bytes: Int64, spaced: Bool = false) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(bytes)
        var i = 0
        while v >= 1024, i < units.count - 1 {
            v /= 1024
            i += 1
        }
        let gap = spaced ? " " : ""
        return i == 0 ? "\(bytes)\(gap)B" : String(format: "%.1f%@%@", v, gap, units[i])
    }
}
