import Foundation

/// A person's rows, read inside a transaction, as `PersonInventory` describes them. The store
/// turns each `PersonSource` into one query; what belongs to her is the inventory's rule.
public protocol PersonRowReading {
    /// The ids a person is known by, from one of them: a volunteer id (and the resident who is
    /// that volunteer), or a resident id (and her volunteer id). Nil when neither exists.
    func personIDs(_ id: String) throws -> PersonIDs?
    /// The rows of `source` that are hers, ordered by its `order`, each a JSON object of its
    /// `columns` (numbers as numbers, text as strings, NULL as null).
    func personRows(_ source: PersonSource, ids: [String]) throws -> [String]
    /// The latest value of `column` (a time in milliseconds) over her rows of `source`.
    func personLatest(_ source: PersonSource, column: String, ids: [String]) throws -> Int64?
    /// Her erasure, when one of these ids was erased.
    func personErasure(ids: [String]) throws -> PersonErasure?
    /// Volunteers and residents not erased who have no activity at or after `millis`, by id, in
    /// one query: no `activity` column of `sources` holds such a time in a row of theirs (rows
    /// matched as each source's `matches` say; an activity source matches by `.column` or
    /// `.within`). A volunteer and the resident who is her are one person: while either id was
    /// active, neither is listed. What counts as activity is the core's (`PersonInventory`).
    func personsInactive(sinceMillis millis: Int64, sources: [PersonSource]) throws -> [String]
}

/// A person's rows, rewritten inside a write transaction (erasure).
public protocol PersonRowWriting: PersonRowReading {
    /// Sets her rows' `erasedText` columns of `source` to `text` and its `erasedNull` columns to NULL.
    /// - Returns: the rows changed.
    func eraseText(_ source: PersonSource, ids: [String], text: String) throws -> Int
    /// Replaces every occurrence of each of `terms` in her rows' `scrubbed` columns of `source` with `text`.
    /// - Returns: the rows changed.
    func scrubText(_ source: PersonSource, ids: [String], terms: [String], text: String) throws -> Int
    /// Replaces each of `terms` in the `leader` text of the teams of `community` whose leader
    /// contains one of them (a leader is free text, usually a name).
    /// - Returns: the teams changed.
    func scrubTeamLeaders(community: String, terms: [String], text: String) throws -> Int
    func insert(personErasure: PersonErasure) throws
}

/// The record that a person was erased: who, when, why. It keeps no personal data: the reason
/// is checked not to carry any (`Persons.checkReason`).
public struct PersonErasure: Codable, Sendable, Equatable {
    public var person: String
    public var community: String
    public var erasedAtMillis: Int64
    public var erasedBy: String
    public var reason: String
    public init(person: String, community: String, erasedAtMillis: Int64, erasedBy: String, reason: String) {
        self.person = person; self.community = community; self.erasedAtMillis = erasedAtMillis
        self.erasedBy = erasedBy; self.reason = reason
    }
}
