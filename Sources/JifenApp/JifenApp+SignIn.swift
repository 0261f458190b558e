import Foundation
import JifenCore

extension JifenApp {
    /// The one sign-in of a bearer credential, for the API's `Authorization: Bearer` header and the
    /// pages' cookie alike: the credential is always checked (a valid one is always served), and a
    /// wrong one counts against the caller's address (`SignInGuard.credential`).
    /// - Parameters:
    ///   - token: the credential as presented.
    ///   - address: the caller's address, for the sign-in limits.
    ///   - guardian: the process's sign-in limits.
    /// - Returns: who the credential signs in as.
    /// - Throws: the credential's refusal (`badCredential`: not valid, expired or revoked), or
    ///   `SignInGuard.Wait` when the address sent too many wrong credentials (its `error` is
    ///   `lockedOut`, its `seconds` when to try again).
    public func signIn(token: String, address: String, guardian: SignInGuard) throws -> Principal {
        try guardian.credential(address: address) { try authenticate(token: token) }
    }
}
