import Foundation
import LifeboatTestSupport

@testable import LifeboatSources

/// Feeds an archive to the safe extractor in slices of `slice` bytes, as restore feeds it chunk by
/// chunk, then finishes it; the tests read its report.
@discardableResult
func feedExtractor(_ bytes: [UInt8], into dir: String, slice: Int = 65_536) throws -> SafeTarExtractor {
    let extractor = try SafeTarExtractor(targetDirectory: dir)
    try extractor.write(bytes, inSlicesOf: slice)
    try extractor.finish()
    return extractor
}
