import Foundation
import HTTPTypes
import JifenAPI
import JifenCore
import Testing

@testable import JifenServer

/// The HTTP status of every error, pinned: each `JifenError.Code` under each category, as
/// `jifen serve` answers it (and the pages, which take the same status). The table was taken
/// from the server before its status mapping moved into one place, so a change here is a change
/// of the API's behaviour, never a refactor's accident.
@Suite struct ErrorStatusServerTests {
    /// code → its status as a usage error, a refusal, a fault and a busy error.
    static let pinned: [String: [Int]] = [
        "activity-cancelled": [400, 422, 503, 503],
        "activity-closed": [400, 422, 503, 503],
        "activity-full": [400, 422, 503, 503],
        "already-approved": [400, 409, 503, 503],
        "already-checked-in": [400, 409, 503, 503],
        "already-checked-out": [400, 409, 503, 503],
        "already-initialised": [400, 409, 503, 503],
        "already-reversed": [400, 409, 503, 503],
        "auth": [400, 422, 503, 503],
        "bad-accounts": [400, 422, 503, 503],
        "bad-amount": [400, 422, 503, 503],
        "bad-arguments": [400, 422, 503, 503],
        "bad-capacity": [400, 422, 503, 503],
        "bad-checkin-code": [400, 422, 503, 503],
        "bad-code": [400, 422, 503, 503],
        "bad-credential": [400, 401, 503, 503],
        "bad-date": [400, 422, 503, 503],
        "bad-encoding": [400, 422, 503, 503],
        "bad-enrolment-code": [400, 401, 503, 503],
        "bad-event-id": [400, 422, 503, 503],
        "bad-events": [400, 422, 503, 503],
        "bad-format": [400, 422, 503, 503],
        "bad-gender": [400, 422, 503, 503],
        "bad-id-number": [400, 422, 503, 503],
        "bad-jifen-now": [400, 422, 503, 503],
        "bad-json": [400, 422, 503, 503],
        "bad-limit": [400, 422, 503, 503],
        "bad-minutes": [400, 422, 503, 503],
        "bad-month": [400, 422, 503, 503],
        "bad-output": [400, 422, 503, 503],
        "bad-overlap": [400, 422, 503, 503],
        "bad-phone": [400, 422, 503, 503],
        "bad-postgres-url": [400, 422, 503, 503],
        "bad-range": [400, 422, 503, 503],
        "bad-rate": [400, 422, 503, 503],
        "bad-rating": [400, 422, 503, 503],
        "bad-redemption-id": [400, 422, 503, 503],
        "bad-replay": [400, 422, 503, 503],
        "bad-request-id": [400, 422, 503, 503],
        "bad-role": [400, 422, 503, 503],
        "bad-rows": [400, 422, 503, 503],
        "bad-secret": [400, 422, 503, 503],
        "bad-server": [400, 422, 503, 503],
        "bad-setting": [400, 422, 503, 503],
        "bad-source": [400, 422, 503, 503],
        "bad-stock": [400, 422, 503, 503],
        "bad-target": [400, 422, 503, 503],
        "bad-tls": [400, 422, 503, 503],
        "bad-transfer-id": [400, 422, 503, 503],
        "bad-transition": [400, 422, 503, 503],
        "bad-url": [400, 422, 503, 503],
        "bad-url-scheme": [400, 422, 503, 503],
        "bad-value": [400, 422, 503, 503],
        "bad-webhook-id": [400, 422, 503, 503],
        "bad-wish-id": [400, 422, 503, 503],
        "birth-date-in-future": [400, 422, 503, 503],
        "body-too-large": [413, 422, 503, 503],
        "busy": [400, 422, 503, 503],
        "cannot-connect": [400, 422, 503, 503],
        "cannot-open": [400, 422, 503, 503],
        "cannot-reach-server": [400, 422, 503, 503],
        "cannot-reject": [400, 422, 503, 503],
        "cannot-reverse": [400, 422, 503, 503],
        "cannot-write": [400, 422, 503, 503],
        "checked-in": [400, 422, 503, 503],
        "checkin-locked": [400, 422, 503, 503],
        "checkin-too-early": [400, 422, 503, 503],
        "checkout-before-checkin": [400, 422, 503, 503],
        "code-over-limit": [400, 422, 503, 503],
        "code-wrong": [400, 422, 503, 503],
        "codes-exhausted": [400, 422, 503, 503],
        "community-required": [400, 422, 503, 503],
        "control-characters": [400, 422, 503, 503],
        "corrupt": [400, 422, 503, 503],
        "cross-community": [400, 422, 503, 503],
        "database": [400, 422, 503, 503],
        "disk-full": [400, 422, 503, 503],
        "duplicate-name": [400, 409, 503, 503],
        "duplicate-resident": [400, 409, 503, 503],
        "duplicate-volunteer": [400, 409, 503, 503],
        "empty-file": [400, 422, 503, 503],
        "empty-text": [400, 422, 503, 503],
        "end-before-start": [400, 422, 503, 503],
        "file-exists": [400, 422, 503, 503],
        "fully-refunded": [400, 409, 503, 503],
        "future-date": [400, 422, 503, 503],
        "future-time": [400, 422, 503, 503],
        "has-records": [400, 409, 503, 503],
        "hold-resolved": [400, 409, 503, 503],
        "hold-without-transfer": [400, 422, 503, 503],
        "insufficient-points": [400, 422, 503, 503],
        "key-reused": [400, 409, 503, 503],
        "legacy-chain-broken": [400, 422, 503, 503],
        "no-primary": [400, 422, 503, 503], "commit-unknown": [400, 422, 503, 503],
        "locked-out": [400, 429, 503, 503],
        "lots-out-of-step": [400, 422, 503, 503],
        "merchant-locked": [400, 422, 503, 503],
        "migrate-mismatch": [400, 422, 503, 503],
        "missing-column": [400, 422, 503, 503],
        "missing-file": [400, 422, 503, 503],
        "negative-number": [400, 422, 503, 503],
        "no-database": [400, 422, 503, 503],
        "no-file": [400, 422, 503, 503],
        "no-route": [404, 422, 503, 503],
        "no-test-postgres": [400, 422, 503, 503],
        "not-allowed": [400, 403, 503, 503],
        "not-checked-in": [400, 422, 503, 503],
        "not-checked-out": [400, 422, 503, 503],
        "not-empty": [400, 422, 503, 503],
        "not-jifen": [400, 422, 503, 503],
        "not-partner": [400, 422, 503, 503],
        "not-redeemed": [400, 422, 503, 503],
        "not-served": [400, 422, 503, 503],
        "not-your-redemption": [400, 422, 503, 503],
        "nothing-to-settle": [400, 422, 503, 503],
        "nothing-to-withdraw": [400, 422, 503, 503],
        "offer-ended": [400, 422, 503, 503],
        "offer-not-yet": [400, 422, 503, 503],
        "offer-or-points": [400, 422, 503, 503],
        "offer-other-merchant": [400, 422, 503, 503],
        "offer-retired": [400, 422, 503, 503],
        "other-community": [400, 422, 503, 503],
        "out-of-stock": [400, 422, 503, 503],
        "over-daily-cap": [400, 422, 503, 503],
        "own-time": [400, 422, 503, 503],
        "partner-home": [400, 422, 503, 503],
        "partner-outside": [400, 422, 503, 503],
        "already-erased": [400, 409, 503, 503], "bad-erasure-reason": [400, 422, 503, 503],
        "past-deadline": [400, 422, 503, 503],
        "pay-code-unknown": [400, 422, 503, 503],
        // consent
        "id-key-missing": [400, 422, 503, 503], "id-key-wrong": [400, 422, 503, 503],
        "duplicate-id-number": [400, 409, 503, 503], "bad-consent": [400, 422, 503, 503],
        "bad-office-id": [400, 422, 503, 503], "office-parent": [400, 422, 503, 503],
        "unknown-office": [400, 404, 503, 503], "duplicate-office": [400, 409, 503, 503],
        "office-mismatch": [400, 422, 503, 503],
        "private-address": [400, 422, 503, 503],
        "read-only": [400, 422, 503, 503],
        "reason-required": [400, 422, 503, 503],
        "record-rejected": [400, 422, 503, 503],
        "refund-too-much": [400, 422, 503, 503],
        "remote-actor": [400, 422, 503, 503],
        "same-account": [400, 422, 503, 503],
        "secret-required": [400, 422, 503, 503],
        "server-stopping": [400, 422, 503, 503],
        "sign-in-required": [400, 401, 503, 503],
        "source-not-verified": [400, 422, 503, 503],
        "target-not-empty": [400, 422, 503, 503],
        "test-failed": [400, 422, 503, 503],
        "text-too-long": [400, 422, 503, 503],
        "too-long": [400, 422, 503, 503],
        "unconfirmed-credential": [400, 403, 503, 503],
        "unexpected": [400, 422, 503, 503],
        "unknown-certificate": [400, 404, 503, 503],
        "unknown-command": [400, 422, 503, 503],
        "unknown-id": [400, 404, 503, 503],
        "unknown-setting": [400, 422, 503, 503],
        "unreadable": [400, 422, 503, 503],
        "unresolved-host": [400, 422, 503, 503],
        "use-pg-dump": [400, 422, 503, 503],
        "window-closed": [400, 422, 503, 503],
        "wish-funding": [400, 422, 503, 503],
        "wish-state": [400, 422, 503, 503],
    ]

    static let categories: [JifenError.Category] = [.usage, .refused, .fault, .busy]

    @Test func everyCodeUnderEveryCategoryKeepsItsStatus() {
        #expect(Set(Self.pinned.keys) == Set(JifenError.Code.allCases.map(\.rawValue)), "a code without a pinned row")
        for code in JifenError.Code.allCases {
            for (index, category) in Self.categories.enumerated() {
                let error = JifenError(code, category, zh: "错", en: "wrong")
                let response = JifenServer.errorResponse(error, language: .en)
                #expect(
                    response.status.code == Self.pinned[code.rawValue]?[index],
                    "\(code.rawValue) as \(category)")
                #expect(JifenServer.status(error) == response.status.code)
                // A 401 names the scheme to sign in with; a busy store says when to try again.
                #expect(response.headers[.wwwAuthenticate] == (response.status.code == 401 ? "Bearer" : nil))
                #expect(response.headers[.retryAfter] == (category == .busy ? "1" : nil))
            }
        }
    }

    /// The OpenAPI document lists exactly the statuses an error may have (405 is the router's).
    @Test func theDocumentListsEveryErrorStatus() throws {
        let statuses = Set(Self.pinned.values.flatMap { $0 }).sorted().map(String.init)
        #expect(statuses == ["400", "401", "403", "404", "409", "413", "422", "429", "503"])
        #expect(OpenAPIDocument.errorStatuses == statuses)
        let document = OpenAPIDocument.document()
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, operations) in paths where path.hasPrefix("/v1/") {
            for (verb, operation) in operations {
                let responses = try #require((operation as? [String: Any])?["responses"] as? [String: Any])
                #expect(Set(responses.keys) == Set(statuses + ["200"]), "\(verb) \(path)")
            }
        }
    }
}
