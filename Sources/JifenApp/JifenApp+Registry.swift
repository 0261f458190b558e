import Foundation
public import JifenCore

/// Volunteers, teams and their organizers, and the demo seed.
extension JifenApp {
    // MARK: Volunteers

    public struct VolunteerInput: Codable, Sendable {
        public var name: String
        public var phone: String
        /// 男/女 or male/female; empty: not given.
        public var gender: String
        /// Date of birth as typed, e.g. 1952-03-08.
        public var birthDate: String?
        public var idNumber: String?
        public var area: String
        public var skills: String
        public var categories: String
        public var team: String?
        /// Community id, when there are several.
        public var community: String?
        /// Consents to their name in public notices.
        public var consent: Bool
        /// Register even when a volunteer with the same name and phone exists (another person).
        public var allowDuplicate: Bool
        public init(
            name: String, phone: String, gender: String = "", birthDate: String? = nil, idNumber: String? = nil,
            area: String = "", skills: String = "", categories: String = "", team: String? = nil,
            community: String? = nil,
            consent: Bool = false, allowDuplicate: Bool = false
        ) {
            self.name = name; self.phone = phone; self.gender = gender; self.birthDate = birthDate;
            self.idNumber = idNumber
            self.area = area; self.skills = skills; self.categories = categories; self.team = team;
            self.community = community
            self.consent = consent; self.allowDuplicate = allowDuplicate
        }
    }

    /// Registers a volunteer (admin).
    /// - Throws: usage `bad-date` for an unreadable birth date, `bad-gender`; refused for a duplicate.
    public func addVolunteer(_ principal: Principal, _ input: VolunteerInput) throws -> Volunteer {
        let birth = try input.birthDate.map { try day($0, field: Bilingual(zh: "出生日期", en: "birth date")) }
        let volunteer = Volunteer(
            community: input.community ?? "", team: input.team, name: input.name,
            gender: try Gender.parse(input.gender),
            birthDate: birth, idNumber: input.idNumber, phone: input.phone, area: input.area, skills: input.skills,
            categories: input.categories, consent: input.consent)
        return try registry.addVolunteer(
            volunteer, actor: principal.id, nowMillis: nowMillis, allowDuplicate: input.allowDuplicate,
            idKey: { [self] in try self.idKey() }
        ).masked
    }

    public struct VolunteersQuery: Codable, Sendable {
        public var community: String?
        public var team: String?
        public init(community: String? = nil, team: String? = nil) { self.community = community; self.team = team }
    }

    /// Volunteers, masked: the owner, an admin or an organizer (the people who register and check them).
    /// An office admin sees the volunteers of the communities below its offices.
    public func volunteers(_ principal: Principal, _ query: VolunteersQuery) throws -> [Volunteer] {
        if !principal.isOwner, case .officeAdmin(let communities) = try Permissions.reader(principal.id, in: store) {
            return try store.volunteers(community: query.community, team: query.team)
                .filter { communities.contains($0.community) }.map(\.masked)
        }
        guard try principal.isOwner || Permissions.reader(principal.id, in: store).readsAllRecords else {
            throw JifenError.forbidden(actor: principal.id, action: Bilingual(zh: "查看志愿者名单", en: "list the volunteers"))
        }
        let key = idKeyIfAtHand
        return try store.volunteers(community: query.community, team: query.team).map { opened($0, key: key).masked }
    }

    public struct VolunteerStanding: Codable, Sendable, Equatable {
        public var volunteer: Volunteer
        public var balance: Int64
        public var available: Int64
    }

    /// One volunteer's profile and points.
    public func volunteer(_ principal: Principal, _ id: String) throws -> VolunteerStanding {
        if !principal.isOwner { try Permissions.requireAccountReader(actor: principal.id, account: id, in: store) }
        let volunteer = opened(try registry.volunteer(id), key: idKeyIfAtHand).masked
        let balance = try ledger.balance(id, nowMillis: nowMillis)
        return VolunteerStanding(volunteer: volunteer, balance: balance.balance, available: balance.available)
    }

    // MARK: Teams

    public struct TeamInput: Codable, Sendable {
        public var name: String
        public var leader: String
        public var community: String?
        /// Someone who organizes the team from the start (may post and approve).
        public var organizer: String?
        public init(name: String, leader: String = "", community: String? = nil, organizer: String? = nil) {
            self.name = name; self.leader = leader; self.community = community; self.organizer = organizer
        }
    }

    /// Adds a team (admin), with its first organizer when one is named.
    public func addTeam(_ principal: Principal, _ input: TeamInput) throws -> Team {
        let team = try registry.addTeam(
            name: input.name, leader: input.leader, community: input.community, actor: principal.id,
            nowMillis: nowMillis)
        if let organizer = input.organizer {
            try registry.addOrganizer(organizer, team: team.id, actor: principal.id, nowMillis: nowMillis)
        }
        return team
    }

    public struct OrganizerInput: Codable, Sendable {
        public var team: String
        /// The organizer's name, as they will act (`--as`).
        public var organizer: String
        public init(team: String, organizer: String) { self.team = team; self.organizer = organizer }
    }

    public struct OrganizerResult: Codable, Sendable, Equatable {
        public var team: String
        public var organizer: String
    }

    /// Lets someone organize a team: post, approve, import (admin).
    public func addOrganizer(_ principal: Principal, _ input: OrganizerInput) throws -> OrganizerResult {
        try registry.addOrganizer(input.organizer, team: input.team, actor: principal.id, nowMillis: nowMillis)
        return OrganizerResult(team: input.team, organizer: input.organizer)
    }

    public func teams(_ principal: Principal) throws -> [Team] {
        try store.teams()
    }

    // MARK: Seed

    public struct SeedInput: Codable, Sendable {
        /// Folder with teams.csv, volunteers.csv, merchants.csv and offers.csv.
        public var directory: String
        public var community: String?
        public init(directory: String, community: String? = nil) {
            self.directory = directory; self.community = community
        }
    }

    /// Loads the demo data (admin), one transaction per file.
    public func loadSeed(_ principal: Principal, _ input: SeedInput) throws -> SeedCounts {
        try registry.loadSeed(
            directory: input.directory, community: input.community, actor: principal.id, nowMillis: nowMillis)
    }

    // MARK: Helpers

    /// A day typed by a person, in the app's zone; an unreadable one is refused naming `field`
    /// in each language.
    func day(_ text: String, field: Bilingual) throws -> String {
        do {
            return try DayFormat.day(text, in: zone, field: field.en)
        } catch var error as JifenError {
            do { _ = try DayFormat.day(text, in: zone, field: field.zh) } catch let chinese as JifenError {
                error.message.zh = chinese.message.zh
            }
            throw error
        }
    }
}
