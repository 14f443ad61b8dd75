import LifeboatAgent
import LifeboatCore
import Testing

/// A gap is the first file missing from the segment holding the base backup's start up to the newest
/// archived segment, following later timelines that branch off after the start (their history file
/// included); a segment of an older timeline after the switch does not count.
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
            "000000020000000000000001",
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

    /// Timeline 1 from the base's start (segment 2), a switch in segment 4: timeline 2 from 4 on.
    static let switched = [
        "000000010000000000000002", "000000010000000000000003", "000000010000000000000004",
        "000000010000000000000006", "00000002.history", "000000020000000000000004", "000000020000000000000005",
        "000000020000000000000006", "000000020000000000000007",
    ]

    @Test func aSegmentOfTheOldTimelineAfterTheSwitchIsNoGap() {
        #expect(WALGap.firstMissing(archived: Self.names(Self.switched), base: Self.base) == nil)
    }

    @Test func aMissingSegmentOfTheNewTimelineIsTheGap() {
        let files = Self.names(Self.switched.filter { $0 != "000000020000000000000006" })
        #expect(WALGap.firstMissing(archived: files, base: Self.base) == "000000020000000000000006")
    }

    @Test func aMissingSegmentBeforeTheSwitchIsTheGap() {
        let files = Self.names(Self.switched.filter { $0 != "000000010000000000000003" })
        #expect(WALGap.firstMissing(archived: files, base: Self.base) == "000000010000000000000003")
    }

    @Test func theNewTimelinesHistoryFileIsNeeded() {
        let files = Self.names(Self.switched.filter { $0 != "00000002.history" })
        #expect(WALGap.firstMissing(archived: files, base: Self.base) == "00000002.history")
    }

    @Test func followsAChainOfTimelines() {
        let files = Self.names(
            Self.switched + ["00000003.history", "000000030000000000000007", "000000030000000000000009"])
        #expect(
            WALGap.firstMissing(archived: files, base: Self.base) == "000000030000000000000008",
            "timeline 2 up to its switch in 7, then timeline 3 from 7")
    }

    @Test func aBaseOnTheNewTimelineLooksAtItAlone() {
        let base = BaseBackupWAL(timeline: 2, start: PostgresLSN(0x0500_0028), stop: PostgresLSN(0x0500_0100))
        let files = Self.names(Self.switched.filter { $0 != "000000010000000000000003" })
        #expect(WALGap.firstMissing(archived: files, base: base) == nil)
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
        let removed = WALRetention.removable(names, starts: [(timeline: 1, number: 3)]).map(\.name)
        #expect(
            removed == [
                "000000010000000000000001", "000000010000000000000002.00000028.backup",
                "000000010000000000000002.partial",
            ])
    }

    @Test func laterTimelinesAreNotTouched() {
        #expect(WALRetention.removable(["000000030000000000000001"], starts: [(timeline: 2, number: 9)]).isEmpty)
    }

    @Test func olderTimelinesGoOnceEveryBaseIsOnALaterOne() {
        let names = ["000000010000000000000004", "000000010000000000000009", "000000020000000000000008"]
        #expect(
            WALRetention.removable(names, starts: [(timeline: 2, number: 9)]).map(\.name) == [
                "000000010000000000000004", "000000010000000000000009", "000000020000000000000008",
            ], "timeline 1 after the switch is needed by no base on timeline 2")
        #expect(
            WALRetention.removable(names, starts: [(timeline: 2, number: 9), (timeline: 1, number: 5)]).map(\.name)
                == ["000000010000000000000004"], "a base still on timeline 1 keeps its timeline from its start")
    }

    @Test func withNoBaseBackupNothingIsRemoved() {
        #expect(WALRetention.starts([]).isEmpty)
        #expect(WALRetention.removable(["000000010000000000000001"], starts: []).isEmpty)
    }
}
