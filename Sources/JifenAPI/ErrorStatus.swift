public import JifenCore

/// The HTTP status of every `JifenError`, written once: `jifen serve`'s error answers, the pages'
/// refusals and the OpenAPI document's error responses all come from this table. An error's
/// status is its category's, unless its code refines it.
public enum ErrorStatus {
    /// The categories, in the order the table lists them.
    public static let categories: [JifenError.Category] = [.usage, .refused, .fault, .busy]

    /// The status of a category's errors whose code is not refined.
    public static func of(_ category: JifenError.Category) -> Int {
        switch category {
        case .usage: 400
        case .refused: 422
        case .fault, .busy: 503
        }
    }

    /// The codes whose status is not their category's.
    static let refined: [JifenError.Category: [JifenError.Code: Int]] = [
        .usage: [.bodyTooLarge: 413, .noRoute: 404],
        .refused: [
            .badCredential: 401, .badEnrolmentCode: 401, .signInRequired: 401,
            .notAllowed: 403, .unconfirmedCredential: 403,
            .unknownID: 404, .unknownCertificate: 404, .unknownOffice: 404,
            .lockedOut: 429,
            .keyReused: 409, .alreadyApproved: 409, .alreadyReversed: 409, .alreadyCheckedIn: 409,
            .alreadyCheckedOut: 409, .hasRecords: 409, .fullyRefunded: 409, .holdResolved: 409,
            .duplicateName: 409, .duplicateVolunteer: 409, .duplicateResident: 409, .alreadyInitialised: 409,
            .duplicateOffice: 409,
            .alreadyErased: 409,
            .duplicateIDNumber: 409,
        ],
    ]

    /// The status of an error with `code` in `category`.
    public static func of(_ category: JifenError.Category, _ code: JifenError.Code) -> Int {
        refined[category]?[code] ?? of(category)
    }

    /// The status of `error`.
    public static func of(_ error: JifenError) -> Int { of(error.category, error.code) }

    /// Every status an error may be answered with, ascending.
    public static var all: [Int] {
        Set(categories.flatMap { [of($0)] + (refined[$0].map { Array($0.values) } ?? []) }).sorted()
    }
}

extension JifenError {
    /// The HTTP status the API answers this error with (`ErrorStatus`).
    public var httpStatus: Int { ErrorStatus.of(self) }
}
