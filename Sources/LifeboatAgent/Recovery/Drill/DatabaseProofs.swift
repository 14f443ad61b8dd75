import Foundation
import LifeboatCore

/// The proof of a PostgreSQL load: every table of the scratch database counted, in one query.
enum PostgresProof {
    static let countQuery = """
        SELECT count(*), coalesce(sum((xpath('/row/c/text()', query_to_xml(
            format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text::bigint), 0)
        FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
        """

    static func countTables(_ db: ScratchDatabase) throws -> String {
        let rows = try db.run(on: db.name, countQuery, doing: "cannot count the restored tables")
        let fields = rows.first?.split(separator: "\t").map(String.init) ?? []
        guard fields.count == 2, let tables = Int64(fields[0]), let count = Int64(fields[1]) else {
            throw LifeboatError.failed("cannot count the restored tables: psql answered \(rows)")
        }
        return "\(Count.of(tables, "table")), \(Count.of(count, "row"))"
    }
}

/// The proof of a MariaDB load: `CHECKSUM TABLE` on every table of the scratch database (a table the
/// server cannot read answers NULL, which fails the drill), then every table's rows counted.
enum MariaDBProof {
    static func checksumTables(_ db: ScratchDatabase) throws -> String {
        let names = try db.run(
            on: db.name,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = '\(db.name)' "
                + "AND table_type = 'BASE TABLE' ORDER BY table_name",
            doing: "cannot list the restored tables")
        guard !names.isEmpty else { return "0 tables" }
        let list = names.map { "`\(db.name)`.`\($0.replacingOccurrences(of: "`", with: "``"))`" }
        let rows = try db.run(
            on: db.name, "CHECKSUM TABLE " + list.joined(separator: ", "), doing: "CHECKSUM TABLE failed")
        let bad = rows.filter { $0.split(separator: "\t").last.map { $0 == "NULL" } ?? true }
        guard bad.isEmpty else {
            throw LifeboatError.failed("CHECKSUM TABLE could not read: \(bad.joined(separator: "; "))")
        }
        let sum = list.map { "(SELECT COUNT(*) FROM \($0))" }.joined(separator: " + ")
        let counted = try db.run(on: db.name, "SELECT " + sum, doing: "cannot count the restored rows")
        guard let rowCount = counted.first.flatMap({ Int64($0) }) else {
            throw LifeboatError.failed("cannot count the restored rows: mariadb answered \(counted)")
        }
        return "\(Count.of(names.count, "table")) checksummed, \(Count.of(rowCount, "row"))"
    }
}
