import Foundation
import LifeboatCore
import Testing

@testable import LifeboatConfig

/// A misspelt key is reported as the typo it is, with the key meant, before anything else.
@Suite struct NearMissTests {
    @Test func suggestsTheKnownNameWithinTwoEdits() {
        #expect(NearMiss.suggest("recipents", among: ["recipients", "level"]) == "recipients")
        #expect(NearMiss.suggest("shedule", among: ["schedule", "source"]) == "schedule")
        #expect(NearMiss.suggest("ketp_last", among: ["keep_last", "keep_daily"]) == "keep_last")
        #expect(NearMiss.suggest("colour", among: ["schedule", "source"]) == nil)
        #expect(NearMiss.suggest("nmae", among: ["name"]) == "name")
        #expect(NearMiss.suggest("rto", among: ["rpo"]) == "rpo")
        #expect(NearMiss.suggest("xyz", among: ["rpo"]) == nil)
    }

    @Test func aMisspeltRequiredKeyIsUnknownNotMissing() throws {
        let f = try PolicyFixture(
            policy: PolicyFixture.goodPolicy.replacingOccurrences(of: "recipients:", with: "recipents:"))
        do {
            _ = try Configuration.load(file: f.configPath)
            Issue.record("a policy without recipients loaded")
        } catch let e as LifeboatError {
            #expect(e.message.hasSuffix("unknown key 'encryption.recipents' (did you mean 'recipients'?)"), "\(e)")
            #expect(e.file == f.policyPath)
            #expect(e.line != nil)
        }
    }

    @Test func anUnknownOptionalKeyGetsASuggestion() throws {
        let f = try PolicyFixture(
            policy: PolicyFixture.goodPolicy.replacingOccurrences(of: "schedule: every 6h", with: "shedule: every 6h"))
        do {
            _ = try Configuration.load(file: f.configPath)
            Issue.record("a policy with an unknown key loaded")
        } catch let e as LifeboatError {
            #expect(e.message.hasSuffix("unknown key 'shedule' (did you mean 'schedule'?)"), "\(e)")
        }
    }
}
