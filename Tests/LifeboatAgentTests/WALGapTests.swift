import LifeboatAgent
import LifeboatCore
import Testing

/// A gap is the first segment missing from the one holding the base backup's start up to the newest
/// archived segment, on the base backup's timeline; other timelines and history files do not count.
@Suite struct WALGapTests {
    static let base = BaseBackupWAL(timeline: 1, start: PostgresLSN(0x0200_0028), stop: PostgresLSN(0x0200_0100))

    static func names(_ list: [String]) -> [WALFileName] { list.compactMap { WALFileName($0) } }

    @Test func noGapWhenEverySegmentSinceTheStartIsThere() {
        let files = Self.names([
            "000000010000000000000001", "000000010000000000000002", "000000010000000000000002.00000028.backup",
            "000000010000000000000003", "00000002.history",
        ])
        #expect(WALGap.firstMissing(archived: files, base: Self.base) == nil)
    }

    @Test func namesTheFirstMissingSegment() {
        let files = Self.names([
            "000000010000000000000002", "000000010000000000000004", "000000010000000000000006",
            "000000020000000000000003",
        ])
        #expect(WALGap.firstMissing(archived: files, base: Self.base) == "000000010000000000000003")
    }

    @Test func aMissingStartSegmentIsTheGap() {
        #expect(
            WALGap.firstMissing(archived: Self.names(["000000010000000000000001"]), base: Self.base)
                == "000000010000000000000002")
        #expect(
            WALGap.firstMissing(archived: [], base: Self.base) == nil,
            "nothing archived is not a gap (check says so apart)")
    }

    @Test func countsAcrossALogBoundary() {
        let base = BaseBackupWAL(timeline: 1, start: PostgresLSN(0x0_FE00_0000), stop: PostgresLSN(0x0_FE00_0100))
        let files = Self.names(["0000000100000000000000FE", "0000000100000000000000FF", "000000010000000100000001"])
        #expect(WALGap.firstMissing(archived: files, base: base) == "000000010000000100000000")
    }
}
