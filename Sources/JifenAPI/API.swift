public import Foundation
public import JifenApp

/// Inputs of operations that take one id or nothing, as the API names them.
public enum Ref {
    public struct Account: Codable, Sendable {
        public var account: String; public init(account: String) { self.account = account }
    }
    public struct Volunteer: Codable, Sendable {
        public var volunteer: String; public init(volunteer: String) { self.volunteer = volunteer }
    }
    public struct Activity: Codable, Sendable {
        public var activity: String; public init(activity: String) { self.activity = activity }
    }
    public struct Record: Codable, Sendable {
        public var record: String; public init(record: String) { self.record = record }
    }
    public struct Redemption: Codable, Sendable {
        public var redemption: Int64; public init(redemption: Int64) { self.redemption = redemption }
    }
    public struct Credential: Codable, Sendable {
        public var credential: String; public init(credential: String) { self.credential = credential }
    }
    public struct CredentialQuery: Codable, Sendable {
        public var person: String?; public init(person: String? = nil) { self.person = person }
    }
    public struct Records: Codable, Sendable {
        public var records: [String]?, activity: String?
        public init(records: [String]? = nil, activity: String? = nil) {
            self.records = records; self.activity = activity
        }
    }
    public struct Nothing: Codable, Sendable { public init() {} }
    // chain
    public struct VerifyScope: Codable, Sendable {
        public var full: Bool; public init(full: Bool = false) { self.full = full }
    }
    public struct Offer: Codable, Sendable {
        public var offer: String; public init(offer: String) { self.offer = offer }
    }
    public struct Merchant: Codable, Sendable {
        public var merchant: String; public init(merchant: String) { self.merchant = merchant }
    }
    public struct Webhook: Codable, Sendable {
        public var webhook: Int64; public init(webhook: Int64) { self.webhook = webhook }
    }
    public struct Certificate: Codable, Sendable {
        public var code: String; public init(code: String) { self.code = code }
    }
    public struct Expiry: Codable, Sendable {
        public var asOf: String?; public init(asOf: String? = nil) { self.asOf = asOf }
    }
    public struct CertificateRequest: Codable, Sendable {
        public var volunteer: String, from: String?, to: String?, format: String
        public init(volunteer: String, from: String? = nil, to: String? = nil, format: String = "md") {
            self.volunteer = volunteer; self.from = from; self.to = to; self.format = format
        }
    }
    public struct Sheet: Codable, Sendable {
        /// The file's bytes (base64 in JSON): CSV in UTF-8 or GBK, as the organizer's spreadsheet saved it.
        public var sheet: Data
        public var activity: String?, encoding: String?, skipBad: Bool
        public init(sheet: Data, activity: String? = nil, encoding: String? = nil, skipBad: Bool = false) {
            self.sheet = sheet; self.activity = activity; self.encoding = encoding; self.skipBad = skipBad
        }
    }
    public struct Cancel: Codable, Sendable {
        public var activity: String, reason: String
        public init(activity: String, reason: String) { self.activity = activity; self.reason = reason }
    }
    public struct Rotate: Codable, Sendable {
        public var webhook: Int64, secret: String?, overlapHours: Int
        public init(webhook: Int64, secret: String? = nil, overlapHours: Int = 24) {
            self.webhook = webhook; self.secret = secret; self.overlapHours = overlapHours
        }
    }
    public struct Replay: Codable, Sendable {
        /// One event to queue again; or, without it, every dead delivery (of `endpoint`, when given).
        public var event: Int64?, endpoint: Int64?
        public init(event: Int64? = nil, endpoint: Int64? = nil) { self.event = event; self.endpoint = endpoint }
    }
}

/// Every endpoint of `/v1`. Each area's endpoints are declared in `API+<Area>.swift` (beside
/// `JifenApp+<Area>.swift`, whose operations they call) with that area's list; `all` joins the lists.
/// A new operation is one declaration and one entry in its area's list: the server routes it, the
/// OpenAPI document describes it, the CLI client can call it, and the authorization matrix test
/// fails until it has a row (`APICatalogTests` fails if the entry is forgotten).
public enum API {
    public typealias App = JifenApp

    /// Every endpoint, as the server routes them and the OpenAPI document lists them.
    public static let all: [AnyEndpoint] = [
        credentialEndpoints,
        pointEndpoints,
        merchantEndpoints,
        activityEndpoints,
        hoursEndpoints,
        reportEndpoints,
        certificateEndpoints,
        registryEndpoints,
        ruleEndpoints,
        webhookEndpoints,
        requestEndpoints,
        deskEndpoints,
        wishEndpoints,
        counterEndpoints,
        officeEndpoints,
        personEndpoints,
        consentEndpoints,
        chainEndpoints,
    ].flatMap { $0 }
}
