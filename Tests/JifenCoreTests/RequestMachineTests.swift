import Foundation
import JifenCore
import Testing

/// The request's state machine alone: no store, no clock.
@Suite struct RequestMachineTests {
    /// The table as the README prints it: (action, from, to, who).
    static let expected: [(RequestAction, [RequestState], RequestState, Set<RequestRole>)] = [
        (.accept, [.submitted], .accepted, [.desk]),
        (.reject, [.submitted, .accepted, .returned], .rejected, [.desk]),
        (.dispatch, [.accepted, .returned], .dispatched, [.desk]),
        (.pool, [.accepted, .returned], .pooled, [.desk]),
        (.claim, [.dispatched, .pooled], .claimed, [.eligible]),
        (.return, [.claimed], .returned, [.server]),
        (.start, [.claimed], .inService, [.server]),
        (.finish, [.inService], .done, [.server]),
        (.confirm, [.done], .confirmed, [.resident, .desk]),
        (.autoConfirm, [.done], .confirmed, [.clock]),
        (.rate, [.confirmed], .rated, [.resident, .desk]),
        (.reopen, [.confirmed, .rated], .claimed, [.resident, .desk]),
        (.cancel, [.submitted, .accepted, .dispatched, .pooled, .returned], .cancelled, [.resident, .desk]),
        (.expire, [.submitted, .accepted, .dispatched, .pooled, .returned], .expired, [.clock]),
    ]

    /// Every state × action × role: the table's answer, a `not-allowed` for anyone else, a
    /// `bad-transition` for the right people outside its states.
    @Test func everyStateActionAndRole() throws {
        for (action, from, to, who) in Self.expected {
            for state in RequestState.allCases {
                for role in RequestRole.allCases {
                    let result = Result {
                        try RequestMachine.next(state, action, roles: [role], actor: "x", request: "Q0001")
                    }
                    switch result {
                    case .success(let next):
                        #expect(from.contains(state) && who.contains(role) && next == to, "\(state) \(action) \(role)")
                    case .failure(let error as JifenError):
                        let code: JifenError.Code = who.contains(role) ? .badTransition : .notAllowed
                        #expect(error.code == code, "\(state) \(action) \(role)")
                        #expect(!(from.contains(state) && who.contains(role)), "\(state) \(action) \(role)")
                    case .failure(let error):
                        Issue.record("\(error)")
                    }
                }
            }
        }
        #expect(Self.expected.count + 1 == RequestMachine.transitions.count, "post is the one more")
    }

    @Test func postingNeedsTheResidentOrTheDesk() throws {
        #expect(try RequestMachine.next(nil, .post, roles: [.resident], actor: "R001", request: "Q0001") == .submitted)
        #expect(try RequestMachine.next(nil, .post, roles: [.desk], actor: "杨建军", request: "Q0001") == .submitted)
        #expect(
            refusal { try RequestMachine.next(nil, .post, roles: [.eligible], actor: "V0001", request: "Q0001") }?.code
                == .notAllowed)
        #expect(
            refusal { try RequestMachine.next(nil, .accept, roles: [.desk], actor: "杨建军", request: "Q0001") }?.code
                == .unknownID)
        #expect(
            refusal { try RequestMachine.next(.pooled, .accept, roles: [.eligible], actor: "V0001", request: "Q0001") }?
                .code == .notAllowed)
    }

    /// Points move only on confirmation (earn), hold on claim, release and reverse otherwise.
    @Test func ledgerEffects() {
        let effects = Dictionary(uniqueKeysWithValues: RequestMachine.transitions.map { ($0.action, $0.effect) })
        #expect(
            effects.filter { $0.value == .earn }.keys.sorted { $0.rawValue < $1.rawValue } == [.autoConfirm, .confirm])
        #expect(effects[.claim] == .hold && effects[.reopen] == .reverse)
        #expect(Set(effects.filter { $0.value == .release }.keys) == [.reject, .return, .cancel, .expire])
    }

    @Test func requestSettingsArePerCategory() throws {
        let rules = try Rules(settings: [
            "requests.response_hours": "12", "requests.response_hours.elder_care": "2",
            "requests.completion_hours.repair": "48",
        ])
        #expect(rules.requests.responseHours(category: "elder_care") == 2)
        #expect(rules.requests.responseHours(category: "repair") == 12)
        #expect(rules.requests.completionHours(category: "repair") == 48)
        #expect(rules.requests.completionHours(category: "") == 72)
        #expect(refusal { try Rules(settings: ["requests.confirm_hours": "0"]) }?.code == .badSetting)
    }

    /// A refusal names the action once ("无权完成服务请求", never "完成服务服务请求").
    @Test func refusalsReadRight() {
        var checked = 0
        for action in RequestAction.allCases where action != .post {
            for (state, roles) in [(RequestState.done, Set<RequestRole>()), (.rated, Set(RequestRole.allCases))] {
                guard
                    let error = refusal({
                        try RequestMachine.next(state, action, roles: roles, actor: "V0001", request: "Q0001")
                    })
                else { continue }
                #expect(!error.message.zh.contains("服务服务"), "\(action): \(error.message.zh)")
                checked += 1
            }
        }
        #expect(checked >= RequestAction.allCases.count)
        #expect(
            refusal { try RequestMachine.next(.claimed, .finish, roles: [], actor: "V0001", request: "Q0001") }?.message
                .zh
                .contains("无权完成服务请求 Q0001") == true)
    }

    func refusal(_ body: () throws -> Any) -> JifenError? {
        do { _ = try body(); return nil } catch { return error as? JifenError }
    }
}
