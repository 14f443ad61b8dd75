import LifeboatAgent
import LifeboatCLI
import LifeboatCore
import LifeboatCrypto
import Testing

@Suite struct ExitCodeTableTests {
    struct Other: Error {}

    @Test func errorsMapToTheDocumentedCodes() {
        #expect(ExitCodeTable.code(for: LifeboatError(.badInput, "x")) == 65)
        #expect(ExitCodeTable.code(for: LifeboatError(.usage, "x")) == 64)
        #expect(ExitCodeTable.code(for: LifeboatError.failed("x")) == 1)
        #expect(ExitCodeTable.code(for: LifeboatError(.state, "x")) == 1)
        #expect(ExitCodeTable.code(for: CryptoError(.badKey, "x")) == 65)
        #expect(ExitCodeTable.code(for: CryptoError(.integrity, "x")) == 1)
        #expect(ExitCodeTable.code(for: Other()) == 1)
    }

    @Test func checkExitsAsANagiosPlugin() {
        let codes = Compliance.Status.allCases.map { ExitCodeTable.code(for: $0) }
        #expect(codes == [0, 1, 2, 3])
    }

    @Test func helpListsEveryCode() {
        for code in ["0", "1", "2", "3", "64", "65"] {
            #expect(ExitCodeTable.helpText.contains("\n  \(code) "))
        }
    }
}
