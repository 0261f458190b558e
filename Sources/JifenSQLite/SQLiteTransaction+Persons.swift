import Foundation
import GRDB
import JifenCore

/// A person's rows as SQL: each `PersonSource` of the core's inventory becomes one statement.
/// What is hers, what is exported and what is erased are the core's (`PersonInventory`).
extension SQLiteTransaction {
    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// The WHERE clause that picks her rows, with its arguments.
    static func personWhere(_ matches: [PersonMatch], ids: [String]) -> (String, [String]) {
        var args: [String] = []
        func clause(_ match: PersonMatch) -> String {
            switch match {
            case .column(let column):
                args += ids
                return "\(quoted(column)) IN (\(ids.map { _ in "?" }.joined(separator: ", ")))"
            case .within(let column, let table, let key, let inner):
                return "\(quoted(column)) IN (SELECT \(quoted(key)) FROM \(quoted(table)) WHERE \(clause(inner)))"
            case .mentions(let column):
                args += ids.map { "\"\($0)\"" }
                return "(" + ids.map { _ in "instr(\(quoted(column)), ?) > 0" }.joined(separator: " OR ") + ")"
            case .mentionsRow(let column, let table, let key, let inner):
                return """
                    EXISTS (SELECT 1 FROM \(quoted(table)) AS m WHERE \(clause(inner)) \
                    AND instr(\(quoted(column)), '"' || m.\(quoted(key)) || '"') > 0)
                    """
            }
        }
        guard !ids.isEmpty else { return ("0", []) }
        let text = matches.map { "(\(clause($0)))" }.joined(separator: " OR ")
        return (text, args)
    }

    func personIDs(_ id: String) throws -> PersonIDs? {
        if try one("SELECT 1 FROM volunteer WHERE id = ?", [id]) != nil {
            let resident: String? = try one("SELECT id FROM resident WHERE volunteer = ? ORDER BY id LIMIT 1", [id])?[
                "id"]
            return PersonIDs(volunteer: id, resident: resident)
        }
        if let row = try one("SELECT id, volunteer FROM resident WHERE id = ?", [id]) {
            return PersonIDs(volunteer: row["volunteer"], resident: id)
        }
        return nil
    }

    func personRows(_ source: PersonSource, ids: [String]) throws -> [String] {
        guard !source.columns.isEmpty else { return [] }
        let (clause, args) = Self.personWhere(source.matches, ids: ids)
        let object = source.columns.map { "'\($0)', \(Self.quoted($0))" }.joined(separator: ", ")
        return try all(
            "SELECT json_object(\(object)) AS j FROM \(Self.quoted(source.table)) WHERE \(clause) ORDER BY \(Self.quoted(source.order))",
            StatementArguments(args)
        ).map { $0["j"] }
    }

    func personLatest(_ source: PersonSource, column: String, ids: [String]) throws -> Int64? {
        let (clause, args) = Self.personWhere(source.matches, ids: ids)
        return try one(
            "SELECT MAX(\(Self.quoted(column))) AS m FROM \(Self.quoted(source.table)) WHERE \(clause)",
            StatementArguments(args))?["m"]
    }

    func personErasure(ids: [String]) throws -> PersonErasure? {
        guard !ids.isEmpty else { return nil }
        return try one(
            """
            SELECT person, community, erased_at, erased_by, reason FROM person_erasure
            WHERE person IN (\(ids.map { _ in "?" }.joined(separator: ", "))) ORDER BY erased_at LIMIT 1
            """, StatementArguments(ids)
        ).map {
            PersonErasure(
                person: $0["person"], community: $0["community"], erasedAtMillis: $0["erased_at"],
                erasedBy: $0["erased_by"], reason: $0["reason"])
        }
    }

    func personsInactive(sinceMillis millis: Int64, sources: [PersonSource]) throws -> [String] {
        let active = Self.activeIDs(sources, since: "?1")
        guard !active.isEmpty else { return [] }
        return try all(
            """
            WITH active(id) AS (\(active.joined(separator: " UNION ")))
            SELECT v.id FROM volunteer AS v
            WHERE v.id NOT IN (SELECT id FROM active) AND v.id NOT IN (SELECT person FROM person_erasure)
              AND NOT EXISTS (SELECT 1 FROM resident AS r WHERE r.volunteer = v.id AND r.id IN (SELECT id FROM active))
            UNION
            SELECT r.id FROM resident AS r
            WHERE r.id NOT IN (SELECT id FROM active) AND r.id NOT IN (SELECT person FROM person_erasure)
              AND (r.volunteer IS NULL OR r.volunteer NOT IN (SELECT id FROM active))
            ORDER BY 1
            """, [millis]
        ).map { $0["id"] }
    }

    /// One SELECT per activity column and match of each source: the ids with a time at or after
    /// `since` (a parameter's name).
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
        let sets =
            source.erasedText.map { "\(Self.quoted($0)) = ?" } + source.erasedNull.map { "\(Self.quoted($0)) = NULL" }
        guard !sets.isEmpty else { return 0 }
        let (clause, args) = Self.personWhere(source.matches, ids: ids)
        try run(
            "UPDATE \(Self.quoted(source.table)) SET \(sets.joined(separator: ", ")) WHERE \(clause)",
            StatementArguments(source.erasedText.map { _ in text } + args))
        return db.changesCount
    }

    func scrubText(_ source: PersonSource, ids: [String], terms: [String], text: String) throws -> Int {
        guard !source.scrubbed.isEmpty, !terms.isEmpty else { return 0 }
        var setArgs: [String] = []
        let sets = source.scrubbed.map { column -> String in
            var expression = Self.quoted(column)
            for term in terms {
                expression = "replace(\(expression), ?, ?)"
                setArgs += [term, text]
            }
            return "\(Self.quoted(column)) = \(expression)"
        }
        let (clause, args) = Self.personWhere(source.matches, ids: ids)
        try run(
            "UPDATE \(Self.quoted(source.table)) SET \(sets.joined(separator: ", ")) WHERE \(clause)",
            StatementArguments(setArgs + args))
        return db.changesCount
    }

    func scrubTeamLeaders(community: String, terms: [String], text: String) throws -> Int {
        guard !terms.isEmpty else { return 0 }
        var expression = "leader"
        var args: [String] = []
        for term in terms {
            expression = "replace(\(expression), ?, ?)"
            args += [term, text]
        }
        let any = terms.map { _ in "instr(leader, ?) > 0" }.joined(separator: " OR ")
        try run(
            "UPDATE team SET leader = \(expression) WHERE community = ? AND (\(any))",
            StatementArguments(args + [community] + terms))
        return db.changesCount
    }

    func insert(personErasure e: PersonErasure) throws {
        try run(
            "INSERT INTO person_erasure (person, community, erased_at, erased_by, reason) VALUES (?, ?, ?, ?, ?)",
            [e.person, e.community, e.erasedAtMillis, e.erasedBy, e.reason])
    }
}
