import Foundation
import JifenCore
import PostgresNIO

/// A person's rows on PostgreSQL: the same statements as the SQLite store, from the core's
/// inventory (`PersonInventory`).
extension PostgresTransaction {
    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The WHERE clause that picks her rows; its parameters are numbered from `first`.
    static func personWhere(_ matches: [PersonMatch], ids: [String], first: Int = 1) -> (String, [String]) {
        var args: [String] = []
        func next(_ value: String) -> String {
            args.append(value)
            return "$\(first + args.count - 1)"
        }
        func clause(_ match: PersonMatch) -> String {
            switch match {
            case .column(let column):
                return "\(quoted(column)) IN (\(ids.map { next($0) }.joined(separator: ", ")))"
            case .within(let column, let table, let key, let inner):
                return "\(quoted(column)) IN (SELECT \(quoted(key)) FROM \(quoted(table)) WHERE \(clause(inner)))"
            case .mentions(let column):
                return "(" + ids.map { "strpos(\(quoted(column)), \(next("\"\($0)\""))) > 0" }.joined(separator: " OR ")
                    + ")"
            case .mentionsRow(let column, let table, let key, let inner):
                return """
                    EXISTS (SELECT 1 FROM \(quoted(table)) AS m WHERE \(clause(inner)) \
                    AND strpos(\(quoted(column)), '"' || m.\(quoted(key)) || '"') > 0)
                    """
            }
        }
        guard !ids.isEmpty else { return ("FALSE", []) }
        let text = matches.map { "(\(clause($0)))" }.joined(separator: " OR ")
        return (text, args)
    }

    func personIDs(_ id: String) throws -> PersonIDs? {
        if try session.scalar(String.self, "SELECT id FROM volunteer WHERE id = $1", [id]) != nil {
            let resident = try session.scalar(
                String.self, "SELECT id FROM resident WHERE volunteer = $1 ORDER BY id LIMIT 1", [id])
            return PersonIDs(volunteer: id, resident: resident)
        }
        guard let row = try session.rows("SELECT id, volunteer FROM resident WHERE id = $1", [id]).first else {
            return nil
        }
        let (_, volunteer) = try row.decode((String, String?).self)
        return PersonIDs(volunteer: volunteer, resident: id)
    }

    func personRows(_ source: PersonSource, ids: [String]) throws -> [String] {
        guard !source.columns.isEmpty else { return [] }
        let (clause, args) = Self.personWhere(source.matches, ids: ids)
        let object = source.columns.map { "'\($0)', \(Self.quoted($0))" }.joined(separator: ", ")
        return try session.rows(
            "SELECT json_build_object(\(object))::text FROM \(Self.quoted(source.table)) WHERE \(clause) ORDER BY \(Self.quoted(source.order))",
            args
        ).map { try $0.decode(String.self) }
    }

    func personLatest(_ source: PersonSource, column: String, ids: [String]) throws -> Int64? {
        let (clause, args) = Self.personWhere(source.matches, ids: ids)
        return try session.scalar(
            Int64.self, "SELECT MAX(\(Self.quoted(column)))::bigint FROM \(Self.quoted(source.table)) WHERE \(clause)",
            args)
    }

    func personErasure(ids: [String]) throws -> PersonErasure? {
        guard !ids.isEmpty else { return nil }
        let list = ids.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        guard
            let row = try session.rows(
                """
                SELECT person, community, erased_at, erased_by, reason FROM person_erasure
                WHERE person IN (\(list)) ORDER BY erased_at LIMIT 1
                """, ids
            ).first
        else { return nil }
        let (person, community, at, by, reason) = try row.decode((String, String, Int64, String, String).self)
        return PersonErasure(person: person, community: community, erasedAtMillis: at, erasedBy: by, reason: reason)
    }

    func personsInactive(sinceMillis millis: Int64, sources: [PersonSource]) throws -> [String] {
        let active = Self.activeIDs(sources, since: "$1")
        guard !active.isEmpty else { return [] }
        return try session.rows(
            """
            WITH active(id) AS (\(active.joined(separator: " UNION ")))
            SELECT id FROM (
            SELECT v.id FROM volunteer AS v
            WHERE v.id NOT IN (SELECT id FROM active) AND v.id NOT IN (SELECT person FROM person_erasure)
              AND NOT EXISTS (SELECT 1 FROM resident AS r WHERE r.volunteer = v.id AND r.id IN (SELECT id FROM active))
            UNION
            SELECT r.id FROM resident AS r
            WHERE r.id NOT IN (SELECT id FROM active) AND r.id NOT IN (SELECT person FROM person_erasure)
              AND (r.volunteer IS NULL OR r.volunteer NOT IN (SELECT id FROM active))
            ) AS inactive ORDER BY id COLLATE "C"
            """, [millis]
        ).map { try $0.decode(String.self) }
    }

    /// One SELECT per activity column and match of each source: the ids with a time at or after
    /// `since` (a parameter), as on SQLite.
    static func activeIDs(_ sources: [PersonSource], since: String) -> [String] {
        var selects: [String] = []
        for source in sources {
            for time in source.activity {
                for match in source.matches {
                    var joins = "", alias = 0
                    func id(_ match: PersonMatch, in table: String) -> String? {
                        switch match {
                        case .column(let column): return "\(table).\(quoted(column))"
                        case .within(let column, let other, let key, let inner):
                            alias += 1
                            let next = "a\(alias)"
                            joins +=
                                " JOIN \(quoted(other)) AS \(next) ON \(next).\(quoted(key)) = \(table).\(quoted(column))"
                            return id(inner, in: next)
                        case .mentions, .mentionsRow: return nil
                        }
                    }
                    guard let column = id(match, in: "a0") else { continue }
                    selects.append(
                        "SELECT \(column) FROM \(quoted(source.table)) AS a0\(joins) "
                            + "WHERE a0.\(quoted(time)) >= \(since) AND \(column) IS NOT NULL")
                }
            }
        }
        return selects
    }

    func eraseText(_ source: PersonSource, ids: [String], text: String) throws -> Int {
        guard !source.erasedText.isEmpty || !source.erasedNull.isEmpty else { return 0 }
        let sets =
            source.erasedText.map { "\(Self.quoted($0)) = $1" } + source.erasedNull.map { "\(Self.quoted($0)) = NULL" }
        let (clause, args) = Self.personWhere(source.matches, ids: ids, first: 2)
        return try session.execute(
            "UPDATE \(Self.quoted(source.table)) SET \(sets.joined(separator: ", ")) WHERE \(clause)", [text] + args)
    }

    func scrubText(_ source: PersonSource, ids: [String], terms: [String], text: String) throws -> Int {
        guard !source.scrubbed.isEmpty, !terms.isEmpty else { return 0 }
        var setArgs: [String] = [text]
        let sets = source.scrubbed.map { column -> String in
            var expression = Self.quoted(column)
            for term in terms {
                setArgs.append(term)
                expression = "replace(\(expression), $\(setArgs.count), $1)"
            }
            return "\(Self.quoted(column)) = \(expression)"
        }
        let (clause, args) = Self.personWhere(source.matches, ids: ids, first: setArgs.count + 1)
        return try session.execute(
            "UPDATE \(Self.quoted(source.table)) SET \(sets.joined(separator: ", ")) WHERE \(clause)", setArgs + args)
    }

    func scrubTeamLeaders(community: String, terms: [String], text: String) throws -> Int {
        guard !terms.isEmpty else { return 0 }
        var args: [String] = [text, community]
        var expression = "leader"
        for term in terms {
            args.append(term)
            expression = "replace(\(expression), $\(args.count), $1)"
        }
        let any = (3..<(3 + terms.count)).map { "strpos(leader, $\($0)) > 0" }.joined(separator: " OR ")
        return try session.execute(
            "UPDATE team SET leader = \(expression) WHERE community = $2 AND (\(any))", args)
    }

    func insert(personErasure e: PersonErasure) throws {
        _ = try session.execute(
            "INSERT INTO person_erasure (person, community, erased_at, erased_by, reason) VALUES ($1, $2, $3, $4, $5)",
            [e.person, e.community, e.erasedAtMillis, e.erasedBy, e.reason])
    }
}
