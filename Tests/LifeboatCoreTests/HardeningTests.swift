import Foundation
import LifeboatCore
import Testing

/// Values and process settings that keep secrets where they belong.
@Suite struct HardeningTests {
    @Test(arguments: [
        ("host=db dbname=x password=hunter2", true),
        ("host=db password = 'hunter 2' dbname=x", true),
        ("host=db PASSWORD=x", true),
        ("postgresql://u:hunter2@db/x", true),
        ("postgres://db/x?sslmode=require&password=hunter2", true),
        ("host=db dbname=x user=postgres", false),
        ("host=db dbname='password=not a key'", false),
        ("postgresql://u@db/x?sslmode=require", false),
        ("host=db passfile=/etc/lifeboat/pgpass", false),
    ])
    func findsAPasswordInADSN(dsn: String, has: Bool) {
        #expect(PostgresDSN.hasPassword(dsn) == has, "\(dsn)")
    }

    @Test func takesAPasswordFileWordOutOfTheDSN() {
        let (dsn, file) = PostgresDSN.takingPasswordFile("host=127.0.0.1 dbname=x password_file=/k/pw user=postgres")
        #expect(file == "/k/pw")
        #expect(dsn == "host='127.0.0.1' dbname='x' user='postgres'")
        #expect(PostgresDSN.takingPasswordFile("host=a").passwordFile == nil)
    }

    /// After `disableCoreDumps` a crash writes no core: RLIMIT_CORE is 0 (children inherit it) and the
    /// process is not dumpable.
    @Test func coreDumpsAreOffAfterHardening() throws {
        ProcessHardening.disableCoreDumps()
        var limit = rlimit()
        #expect(getrlimit(Int32(RLIMIT_CORE.rawValue), &limit) == 0)
        #expect(limit.rlim_cur == 0 && limit.rlim_max == 0)
        #expect(ProcessHardening.isDumpable == false)
    }
}
