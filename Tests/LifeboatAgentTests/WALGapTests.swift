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

/// Prune removes only what comes before the segment holding the oldest remaining base backup's
/// start; timeline history files stay.
@Suite struct WALRetentionTests {
    @Test func removesOnlyWhatPrecedesTheCutoff() {
        let names = [
            "000000010000000000000001", "000000010000000000000002.00000028.backup", "000000010000000000000003",
            "000000010000000000000004", "00000002.history", "000000010000000000000002.partial",
            "000000020000000000000005", "not-a-wal-name", "000000010000000000000003.sig",
        ]
        let removed = WALRetention.removable(names, cutoff: (timeline: 1, number: 3)).map(\.name)
        #expect(
            removed == [
                "000000010000000000000001", "000000010000000000000002.00000028.backup",
                "000000010000000000000002.partial",
            ])
    }

    @Test func laterTimelinesAreNotTouched() {
        #expect(WALRetention.removable(["000000030000000000000001"], cutoff: (timeline: 2, number: 9)).isEmpty)
    }

    @Test func withNoBaseBackupNothingIsRemoved() {
        #expect(WALRetention.cutoff([]) == nil)
    }
}
