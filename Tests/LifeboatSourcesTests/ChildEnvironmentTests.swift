import Foundation
import LifeboatCore
import LifeboatSources
import Testing

/// A child (a dumper, a loader, the operator's own command) sees only PATH, HOME, LANG, LC_*, TZ,
/// TMPDIR and its own variables: never Lifeboat's AWS_* secrets or anything else its caller set.
@Suite struct ChildEnvironmentTests {
    @Test func aChildSeesNoSecretFromLifeboatsEnvironment() throws {
        setenv("AWS_LIFEBOAT_TEST_SECRET", "s3cr3t", 1)
        setenv("LIFEBOAT_TEST_UNRELATED", "x", 1)
        defer {
            unsetenv("AWS_LIFEBOAT_TEST_SECRET")
            unsetenv("LIFEBOAT_TEST_UNRELATED")
        }
        let out = try SystemCommandRunner().check(["env"], environment: ["PGPASSFILE": "/p"], what: "env")
        let names = Set(
            out.stdout.split(whereSeparator: \.isNewline).compactMap { $0.split(separator: "=").first.map(String.init) }
        )
        #expect(!out.stdout.contains("s3cr3t"))
        #expect(!names.contains("LIFEBOAT_TEST_UNRELATED"))
        #expect(names.contains("PATH"))
        #expect(names.contains("PGPASSFILE"))
        let unexpected = names.filter { !$0.hasPrefix("LC_") }.subtracting(ChildEnvironment.kept.union(["PGPASSFILE"]))
        #expect(unexpected.isEmpty, "\(unexpected.sorted())")
    }

    @Test func keepsOnlyTheNamedVariables() {
        let env = ChildEnvironment.make(
            ["LIFEBOAT_SNAPSHOT_NAME": "n"],
            inherited: [
                "PATH": "/bin", "HOME": "/root", "LC_ALL": "C", "TZ": "UTC", "AWS_ACCESS_KEY_ID": "a",
                "AWS_SECRET_ACCESS_KEY": "b", "PGPASSWORD": "c", "MYSQL_PWD": "d", "SSH_AUTH_SOCK": "e",
            ])
        #expect(env == ["PATH": "/bin", "HOME": "/root", "LC_ALL": "C", "TZ": "UTC", "LIFEBOAT_SNAPSHOT_NAME": "n"])
    }
}
