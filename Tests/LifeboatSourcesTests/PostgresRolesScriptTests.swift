import Foundation
import Testing

@testable import LifeboatSources

/// The roles script a restore runs from a backup's `globals.sql`: only the roles the target lacks are
/// created, with their attributes, settings, comments and memberships; roles the target has are left
/// alone; psql commands and statements of any other shape never reach psql.
@Suite struct PostgresRolesScriptTests {
    /// What pg_dumpall 15 writes for `--roles-only` (with the `\restrict` line 15.14 and later add).
    static let dump = """
        --
        -- PostgreSQL database cluster dump
        --

        \\restrict 7bXk3yQh

        SET default_transaction_read_only = off;

        SET client_encoding = 'UTF8';
        SET standard_conforming_strings = on;

        --
        -- Roles
        --

        CREATE ROLE app_owner;
        ALTER ROLE app_owner WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 5 PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b';
        CREATE ROLE app_reader;
        ALTER ROLE app_reader WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS;
        CREATE ROLE "Mixed ""Case""; Role";
        ALTER ROLE "Mixed ""Case""; Role" WITH NOLOGIN;
        CREATE ROLE postgres;
        ALTER ROLE postgres WITH SUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS;
        COMMENT ON ROLE app_owner IS 'owns the app; not a; statement';

        --
        -- User Configurations
        --

        --
        -- User Config "app_owner"
        --

        ALTER ROLE app_owner SET statement_timeout TO '1min';

        --
        -- Role memberships
        --

        GRANT app_reader TO app_owner WITH INHERIT TRUE GRANTED BY postgres;
        GRANT app_owner TO postgres GRANTED BY postgres;

        \\unrestrict 7bXk3yQh

        --
        -- PostgreSQL database cluster dump complete
        --

        """

    @Test func onlyMissingRolesAreCreatedAndExistingOnesLeftAlone() {
        let r = PostgresRolesScript.make(sql: Self.dump, existingRoles: ["postgres", "app_reader"])
        #expect(r.created == ["app_owner", "Mixed \"Case\"; Role"])
        #expect(r.existing == ["app_reader", "postgres"])
        let lines = r.script.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "SET default_transaction_read_only = off;",
                "SET client_encoding = 'UTF8';",
                "SET standard_conforming_strings = on;",
                "CREATE ROLE app_owner;",
                "ALTER ROLE app_owner WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 5 PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b';",
                "CREATE ROLE \"Mixed \"\"Case\"\"; Role\";",
                "ALTER ROLE \"Mixed \"\"Case\"\"; Role\" WITH NOLOGIN;",
                "COMMENT ON ROLE app_owner IS 'owns the app; not a; statement';",
                "ALTER ROLE app_owner SET statement_timeout TO '1min';",
                // app_owner is new: it may join an existing role. postgres exists: its memberships stay.
                "GRANT app_reader TO app_owner WITH INHERIT TRUE GRANTED BY postgres;",
            ])
        #expect(r.skipped == ["\\restrict 7bXk3yQh", "\\unrestrict 7bXk3yQh"])
    }

    @Test func aFreshClusterGetsEveryRoleButTheOnesItHas() {
        let r = PostgresRolesScript.make(sql: Self.dump, existingRoles: ["postgres"])
        #expect(r.created == ["app_owner", "app_reader", "Mixed \"Case\"; Role"])
        #expect(r.script.contains("ALTER ROLE app_reader WITH"))
        #expect(!r.script.contains("ALTER ROLE postgres"))
    }

    @Test func unquotedNamesFoldToLowerCaseAsPostgreSQLDoes() {
        let r = PostgresRolesScript.make(
            sql: "CREATE ROLE App_Owner;\nALTER ROLE APP_OWNER WITH LOGIN;\n", existingRoles: [])
        #expect(r.created == ["app_owner"])
        #expect(r.script == "CREATE ROLE App_Owner;\nALTER ROLE APP_OWNER WITH LOGIN;\n")
        let none = PostgresRolesScript.make(sql: "CREATE ROLE App_Owner;\n", existingRoles: ["app_owner"])
        #expect(none.created.isEmpty && none.existing == ["app_owner"])
    }

    /// A hostile globals.sql: psql commands, statements that are not about roles, role statements
    /// that hide a psql command or variable, and a rename of an existing role.
    @Test(arguments: [
        "\\! touch /tmp/pwned",
        "DROP ROLE postgres",
        "ALTER ROLE postgres RENAME TO x",
        "CREATE TABLE t (i int)",
        "COPY t FROM PROGRAM 'id'",
        "ALTER ROLE evil WITH LOGIN \\! id",
        "ALTER ROLE evil SET search_path = :evil",
        "GRANT SELECT ON t TO evil",
        "CREATE ROLE evil IN ROLE pg_execute_server_program",
        "ALTER SYSTEM SET archive_command = 'id'",
    ])
    func statementsOfAnyOtherShapeNeverReachPsql(statement: String) {
        let r = PostgresRolesScript.make(sql: "CREATE ROLE evil;\n\(statement);\n", existingRoles: ["postgres"])
        #expect(r.created == ["evil"])
        #expect(r.script == "CREATE ROLE evil;\n")
        #expect(r.skipped.count == 1)
    }

    @Test func aBackslashOnItsOwnLineInsideAStatementIsNotRun() {
        let r = PostgresRolesScript.make(sql: "CREATE ROLE a;\nALTER ROLE a WITH\n\\! id\nLOGIN;\n", existingRoles: [])
        #expect(r.script == "CREATE ROLE a;\n")
    }

    @Test func commentsAndQuotesDoNotEndAStatement() {
        let sql = "CREATE ROLE a; -- CREATE ROLE b;\n/* CREATE ROLE c; */ ALTER ROLE a SET x TO 'y;z';\n"
        let r = PostgresRolesScript.make(sql: sql, existingRoles: [])
        #expect(r.created == ["a"])
        #expect(r.script == "CREATE ROLE a;\nALTER ROLE a SET x TO 'y;z';\n")
    }
}
