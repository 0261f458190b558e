import Foundation
public import JifenCore

/// Residents and their service requests (点单 · 派单 · 接单 · 评单). The state machine and its
/// permissions are the core's (`RequestMachine`, `Requests`); here: inputs as typed, the clock, masking.
extension JifenApp {
    var requests: Requests { get throws { Requests(store: try store, now: clock) } }

    // MARK: Residents

    public struct ResidentInput: Codable, Sendable {
        public var name: String
        public var phone: String
        public var idNumber: String?
        /// The full address: only the volunteer serving one of their requests sees it.
        public var address: String
        /// The area a group chat may show (小区/楼栋).
        public var area: String
        /// Their volunteer id, when they are one.
        public var volunteer: String?
        public var community: String?
        public var consent: Bool
        /// Register even when a resident of the same name and phone exists (another person).
        public var allowDuplicate: Bool
        public init(
            name: String, phone: String, idNumber: String? = nil, address: String = "", area: String = "",
            volunteer: String? = nil, community: String? = nil, consent: Bool = false, allowDuplicate: Bool = false
        ) {
            self.name = name; self.phone = phone; self.idNumber = idNumber; self.address = address; self.area = area
            self.volunteer = volunteer; self.community = community; self.consent = consent;
            self.allowDuplicate = allowDuplicate
        }
    }

    /// Registers a resident (an admin or organizer); returned masked.
    public func addResident(_ principal: Principal, _ input: ResidentInput) throws -> Resident {
        let resident = Resident(
            community: input.community ?? "", name: input.name, phone: input.phone, idNumber: input.idNumber,
            address: input.address, area: input.area, volunteer: input.volunteer, consent: input.consent)
        return try registry.addResident(
            resident, actor: principal.id, nowMillis: nowMillis, allowDuplicate: input.allowDuplicate,
            idKey: { [self] in try self.idKey() }
        ).masked
    }

    public struct ResidentsQuery: Codable, Sendable {
        public var community: String?
        public init(community: String? = nil) { self.community = community }
    }

    /// Residents, masked: the owner, an admin or an organizer; an office admin those of the
    /// communities below its offices.
    public func residents(_ principal: Principal, _ query: ResidentsQuery) throws -> [Resident] {
        if !principal.isOwner, case .officeAdmin(let communities) = try Permissions.reader(principal.id, in: store) {
            let key = idKeyIfAtHand
            return try store.read { try $0.residents(community: query.community) }
                .filter { communities.contains($0.community) }.map { opened($0, key: key).masked }
        }
        guard try principal.isOwner || Permissions.reader(principal.id, in: store).readsAllRecords else {
            throw JifenError.forbidden(actor: principal.id, action: Bilingual(zh: "查看居民名单", en: "list the residents"))
        }
        let key = idKeyIfAtHand
        return try store.read { try $0.residents(community: query.community) }.map { opened($0, key: key).masked }
    }

    public struct ResidentRef: Codable, Sendable {
        public var resident: String
        public init(resident: String) { self.resident = resident }
    }

    /// One resident, masked: the resident themself, the owner, an admin or an organizer. The
    /// resident herself also reads her own address whole (it is where her requests send help).
    public func resident(_ principal: Principal, _ input: ResidentRef) throws -> Resident {
        // Someone they may not see answers as a missing one: ids cannot be probed.
        guard let found = try store.read({ try $0.resident(input.resident) }),
            try principal.isOwner || found.isActor(principal.id)
                || Permissions.reader(principal.id, in: store).readsAllRecords
                || Permissions.reader(principal.id, in: store).seesCommunity(found.community)
        else {
            throw JifenError.unknown(Bilingual(zh: "居民", en: "resident"), input.resident)
        }
        var shown = opened(found, key: idKeyIfAtHand).masked
        if found.isActor(principal.id) { shown.address = found.address }
        return shown
    }

    /// What a resident's own request form offers (`RequestForm`): her name, area and address from
    /// her profile, the categories (`requests.categories`) and times to pick with one tap.
    public struct RequestFormView: Codable, Sendable, Equatable {
        /// The resident signed in; empty for anyone else (the desk names the resident when it posts).
        public var resident: String
        public var name: String
        public var area: String
        /// Her full address: where help will come.
        public var address: String
        public var categories: [RequestForm.Choice]
        public var times: [RequestForm.Choice]
    }

    public func requestForm(_ principal: Principal) throws -> RequestFormView {
        let rules = try settings.rules()
        let me = try store.read { try $0.resident(principal.id) }
        return RequestFormView(
            resident: me?.id ?? "", name: me?.name ?? "", area: me?.area ?? "", address: me?.address ?? "",
            categories: RequestForm.categoryChoices(rules.requests),
            times: RequestForm.timeChoices(now: clock(), zone: zone))
    }

    // MARK: Requests

    public struct RequestPostInput: Codable, Sendable {
        /// The resident it is for; a resident signed in with her own credential posts for herself
        /// (empty, or her own id: another answers as a missing one).
        public var resident: String
        public var content: String
        public var category: String
        /// When the resident would like it done, as typed ("2026-12-10 09:00").
        public var wanted: String?
        /// Unclaimed by then it expires, as typed; nil: at its completion deadline.
        public var deadline: String?
        /// Points the resident pays (时间银行); 0: the community pays by the rules.
        public var points: Int64
        public init(
            resident: String, content: String, category: String = "", wanted: String? = nil, deadline: String? = nil,
            points: Int64 = 0
        ) {
            self.resident = resident; self.content = content; self.category = category; self.wanted = wanted
            self.deadline = deadline; self.points = points
        }
    }

    /// A resident asks for help, or the desk for them. A resident signed in as herself posts for
    /// herself only (the resident comes from her credential, never from the input). Without
    /// words of her own, the content is the category's name ("维修（水电、门窗）").
    public func postRequest(_ principal: Principal, _ input: RequestPostInput) throws -> ServiceRequest {
        let wanted = try input.wanted.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }.map {
            try date($0, "--wanted").millis
        }
        let deadline = try input.deadline.map { try date($0, "--deadline").millis }
        var residentID = input.resident
        if principal.role == .resident {
            guard residentID.isEmpty || residentID == principal.id else {
                throw JifenError.unknown(Bilingual(zh: "居民", en: "resident"), residentID)
            }
            residentID = principal.id
        }
        if input.points > 0, let resident = try store.read({ try $0.resident(residentID) }),
            let payer = resident.volunteer
        {
            try Self.requireConsent(principal, spending: payer)
            // Her resident sign-in spends her volunteer account's points only if it is her own.
            if principal.id == resident.id && !principal.consented { throw JifenError.unconfirmedCredential }
        }
        var content = input.content.trimmingCharacters(in: .whitespacesAndNewlines)
        if content.isEmpty && !input.category.isEmpty { content = RequestForm.name(input.category).zh }
        return try requests.post(
            Requests.NewRequest(
                resident: residentID, category: input.category, content: content,
                wantedAtMillis: wanted, deadlineMillis: deadline, offeredPoints: input.points),
            actor: principal.id)
    }

    public struct RequestRef: Codable, Sendable {
        public var request: String
        public init(request: String) { self.request = request }
    }

    public struct RequestReason: Codable, Sendable {
        public var request: String
        public var reason: String
        public init(request: String, reason: String = "") { self.request = request; self.reason = reason }
    }

    public struct RequestDispatchInput: Codable, Sendable {
        public var request: String
        public var team: String?
        public var volunteer: String?
        /// Open it to the team's pool (抢单) instead of sending it (派单).
        public var pool: Bool
        public init(request: String, team: String? = nil, volunteer: String? = nil, pool: Bool = false) {
            self.request = request; self.team = team; self.volunteer = volunteer; self.pool = pool
        }
    }

    public struct RequestFinishInput: Codable, Sendable {
        public var request: String
        public var minutes: Int64
        public init(request: String, minutes: Int64) { self.request = request; self.minutes = minutes }
    }

    public struct RequestRateInput: Codable, Sendable {
        public var request: String
        public var stars: Int
        public var comment: String
        public init(request: String, stars: Int, comment: String = "") {
            self.request = request; self.stars = stars; self.comment = comment
        }
    }

    public func acceptRequest(_ p: Principal, _ input: RequestRef) throws -> ServiceRequest {
        try requests.accept(input.request, actor: p.id)
    }

    public func rejectRequest(_ p: Principal, _ input: RequestReason) throws -> ServiceRequest {
        try requests.reject(input.request, reason: input.reason, actor: p.id)
    }

    public func dispatchRequest(_ p: Principal, _ input: RequestDispatchInput) throws -> ServiceRequest {
        try requests.dispatch(
            input.request, team: input.team, volunteer: input.volunteer, pool: input.pool, actor: p.id)
    }

    public func claimRequest(_ p: Principal, _ input: RequestRef) throws -> ServiceRequest {
        try requests.claim(input.request, actor: p.id)
    }

    public func returnRequest(_ p: Principal, _ input: RequestReason) throws -> ServiceRequest {
        try requests.giveBack(input.request, reason: input.reason, actor: p.id)
    }

    public func startRequest(_ p: Principal, _ input: RequestRef) throws -> ServiceRequest {
        try requests.start(input.request, actor: p.id)
    }

    public func finishRequest(_ p: Principal, _ input: RequestFinishInput) throws -> ServiceRequest {
        try requests.finish(input.request, minutes: input.minutes, actor: p.id)
    }

    public func confirmRequest(_ p: Principal, _ input: RequestRef) throws -> ServiceRequest {
        try requests.confirm(input.request, actor: p.id)
    }

    public func rateRequest(_ p: Principal, _ input: RequestRateInput) throws -> ServiceRequest {
        try requests.rate(input.request, stars: input.stars, comment: input.comment, actor: p.id)
    }

    public func reopenRequest(_ p: Principal, _ input: RequestReason) throws -> ServiceRequest {
        try requests.reopen(input.request, reason: input.reason, actor: p.id)
    }

    public func cancelRequest(_ p: Principal, _ input: RequestReason) throws -> ServiceRequest {
        try requests.cancel(input.request, reason: input.reason, actor: p.id)
    }

    /// Auto-confirmation, expiry and overdue flags by the clock (admin).
    public func sweepRequests(_ p: Principal) throws -> Requests.SweepResult {
        try requests.sweep(actor: p.id)
    }

    public struct RequestListInput: Codable, Sendable {
        public var state: String?
        public var team: String?
        public init(state: String? = nil, team: String? = nil) { self.state = state; self.team = team }
    }

    /// Requests the caller may see: the desk all, a resident their own, a volunteer what they may
    /// claim in their teams and what they took, nearest deadline first.
    public func requestList(_ p: Principal, _ input: RequestListInput) throws -> [RequestView] {
        var state: RequestState?
        if let text = input.state {
            guard let parsed = RequestState(rawValue: text) else {
                throw JifenError.usage(
                    .badArguments,
                    zh: "没有「\(text)」这个状态；可选：\(RequestState.allCases.map(\.rawValue).joined(separator: "、"))。",
                    en:
                        "There is no state \"\(text)\"; choose one of \(RequestState.allCases.map(\.rawValue).joined(separator: ", "))."
                )
            }
            state = parsed
        }
        return try requests.list(actor: p.id, everything: p.isOwner, filter: .init(state: state, team: input.team))
    }

    /// One request with its history; the address only for the volunteer serving it.
    public func requestShow(_ p: Principal, _ input: RequestRef) throws -> RequestView {
        try requests.show(input.request, actor: p.id, everything: p.isOwner)
    }
}
