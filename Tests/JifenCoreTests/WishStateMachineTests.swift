import JifenCore
import Testing

/// The wish's state machine alone: no store.
@Suite struct WishStateMachineTests {
    static let organizer = WishActor(kind: .none, isOrganizer: true)
    static let volunteer = WishActor(kind: .volunteer)
    static let merchant = WishActor(kind: .merchant)
    static let claimant = WishActor(kind: .volunteer, isClaimant: true)
    static let stranger = WishActor(kind: .none)

    static func next(
        _ s: WishStatus, _ a: WishAction, _ who: WishActor, funded: Bool = false
    ) -> Result<WishStatus, JifenError> {
        Result { try WishMachine.next(s, a, by: who, actorID: "x", wish: "W001", pointFunded: funded) }.mapError {
            $0 as! JifenError
        }
    }

    @Test func theTable() throws {
        #expect(try Self.next(.open, .claim, Self.volunteer).get() == .claimed)
        #expect(try Self.next(.open, .claim, Self.merchant, funded: true).get() == .claimed)
        #expect(try Self.next(.claimed, .cancel, Self.claimant).get() == .open)
        #expect(try Self.next(.claimed, .revoke, Self.organizer).get() == .open)
        #expect(try Self.next(.claimed, .realize, Self.organizer).get() == .realized)
        #expect(try Self.next(.open, .takeDown, Self.organizer).get() == .takenDown)
    }

    @Test func everyOtherMoveIsRefused() {
        var allowed = 0
        for s in WishStatus.allCases {
            for a in WishAction.allCases {
                for who in [Self.organizer, Self.volunteer, Self.merchant, Self.claimant, Self.stranger] {
                    for funded in [false, true] {
                        switch Self.next(s, a, who, funded: funded) {
                        case .success: allowed += 1
                        case .failure(let e): #expect(e.code == .wishState || e.code == .notAllowed)
                        }
                    }
                }
            }
        }
        // claim: volunteer/merchant/claimant unfunded (3) + merchant funded (1); cancel: claimant ×2;
        // revoke, realize, take-down: organizer ×2 each.
        #expect(allowed == 4 + 2 + 6)
        #expect(WishStatus.allCases.filter(\.isFinal) == [.realized, .takenDown])
        #expect(Self.next(.realized, .revoke, Self.organizer).failureCode == .wishState)
        #expect(Self.next(.claimed, .takeDown, Self.organizer).failureCode == .wishState)
        #expect(Self.next(.open, .claim, Self.volunteer, funded: true).failureCode == .notAllowed)
        #expect(Self.next(.open, .claim, Self.stranger).failureCode == .notAllowed)
    }

    @Test func idsParse() throws {
        #expect(
            try WishMachine.parseID("W001") == 1 && WishMachine.parseID("w12") == 12 && WishMachine.parseID("3") == 3)
        #expect(throws: JifenError.self) { try WishMachine.parseID("W0") }
        #expect(throws: JifenError.self) { try WishMachine.parseID("R001") }
    }

    @Test func maskingHidesTheBeneficiary() {
        let w = Wish(
            id: 1, community: "C01", team: "T01", title: "书包", beneficiaryKind: .child, beneficiaryName: "王小明",
            beneficiaryDetails: "三年级", points: 0, postedBy: "o", createdAtMillis: 0, updatedAtMillis: 0)
        #expect(w.masked.beneficiaryName == "王*" && w.masked.beneficiaryDetails == "***" && w.masked.title == "书包")
        #expect(!WishMachine.seesBeneficiary("V1", wish: w, isAdmin: false, organizes: ["T02"]))
        #expect(WishMachine.seesBeneficiary("V1", wish: w, isAdmin: false, organizes: ["T01"]))
        var claimed = w
        claimed.status = .claimed; claimed.claimant = "V1"
        #expect(WishMachine.seesBeneficiary("V1", wish: claimed, isAdmin: false, organizes: []))
        claimed.status = .open
        #expect(!WishMachine.seesBeneficiary("V1", wish: claimed, isAdmin: false, organizes: []))
    }
}

extension Result where Failure == JifenError {
    var failureCode: JifenError.Code? { if case .failure(let e) = self { return e.code } else { return nil } }
}
