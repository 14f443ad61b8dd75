import Foundation
import LifeboatAgent
import Testing

/// When `run` lengthens a kept backup's lock: once less than half the period is left (or no lock can be
/// read), to a full period from now; never earlier, so a run every few minutes does not rewrite locks.
@Suite struct LockExtensionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000.25)
    static let day: TimeInterval = 86_400

    @Test(arguments: [
        (10.0, 20, false),  // 10 of 20 days left: exactly half, not yet
        (9.99, 20, true),
        (0.5, 1, false),
        (0.49, 1, true),
        (-3.0, 7, true),  // already run out (a run missed for too long): lock again
        (30.0, 7, false),  // longer than the period (days lowered in the policy): left as it is
    ])
    func extendsOnlyOnceLessThanHalfIsLeft(daysLeft: Double, days: Int, extends: Bool) {
        let earliest = Self.now.addingTimeInterval(daysLeft * Self.day)
        let until = ObjectLockKeeper.extendedUntil(earliest: earliest, now: Self.now, days: days)
        #expect((until != nil) == extends)
        if let until {
            #expect(
                until.timeIntervalSince1970 == (Self.now.timeIntervalSince1970 + Double(days) * Self.day).rounded(.up))
        }
    }

    @Test func aBackupWhoseLockCannotBeReadIsLockedAgain() {
        #expect(ObjectLockKeeper.extendedUntil(earliest: nil, now: Self.now, days: 3) != nil)
    }
}
