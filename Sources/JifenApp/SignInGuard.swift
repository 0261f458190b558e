import CoreMetrics
public import Foundation
public import JifenCore

/// The sign-in limits, written once: the API and the pages only map its answers to HTTP.
///
/// The rule: nobody's failures may stop another person who holds a valid credential or code.
/// - A bearer credential (the API's token, the pages' cookie) is always checked, so a valid one is
///   always served: a token is 256 random bits and needs no lockout. Wrong ones are counted per
///   client address; past `credentialsPerAddress` in a window the wrong ones are answered "wait"
///   (429 with Retry-After) instead of "wrong", so a runaway client backs off. A credential id
///   written into a forged token counts for nothing: its owner is never locked out.
/// - An enrolment code (8 characters, about 40 bits) can be guessed, so its tries are limited three
///   ways, none of which stops a neighbour in the same room: per code value (`perCode`), per device
///   (the sign-in page's cookie, which only this guard hands out: `perDevice`), and a generous
///   `perAddress` count. When an address has spent it, only devices the guard handed out that have
///   not failed in the window may still try (a neighbour whose phone opened the sign-in page);
///   a device without a cookie (the CLI, a script) waits. Each address gets at most
///   `devicesPerAddress` new devices per window, so the tries one address can make in a window are
///   bounded by `perAddress + devicesPerAddress`.
///
/// Held in memory by the server process: a restart forgets it (a guesser gains one window).
public final class SignInGuard: @unchecked Sendable {
    public struct Limits: Sendable, Equatable {
        /// Wrong tries of one code value in a window.
        public var perCode = 5
        /// Wrong codes from one device (its sign-in cookie) in a window.
        public var perDevice = 10
        /// Wrong codes from one address in a window before only its established devices may try.
        public var perAddress = 100
        /// New devices (sign-in cookies) one address is given in a window.
        public var devicesPerAddress = 100
        /// Wrong bearer credentials from one address in a window before they are answered 429.
        public var credentialsPerAddress = 100
        /// The sliding window, seconds.
        public var window: TimeInterval = 900
        public init() {}
    }

    /// A sign-in attempt refused unchecked (or a wrong credential past the rate): answer 429 with
    /// `Retry-After: seconds`.
    public struct Wait: Error, Sendable, Equatable {
        public var seconds: Int
        public var error: JifenError { .lockedOut(seconds: seconds) }
    }

    public let limits: Limits
    let clock: @Sendable () -> Date
    private let lock = NSLock()
    /// Failure times (oldest first, at most the key's limit) by key.
    private var failures: [String: [Date]] = [:]
    /// Devices handed out: id → when.
    private var devices: [String: Date] = [:]

    public init(limits: Limits = Limits(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.limits = limits; self.clock = clock
    }

    // MARK: Bearer credentials

    /// Checks a bearer credential with `authenticate` (always: a valid one is always served).
    /// - Throws: the credential's own refusal (`badCredential`: 401), or `Wait` when the address
    ///   has sent more than `credentialsPerAddress` wrong credentials in the window.
    public func credential<T>(address: String, _ authenticate: () throws -> T) throws -> T {
        do {
            return try authenticate()
        } catch let error as JifenError where error.code == .badCredential {
            let now = clock()
            lock.lock(); defer { lock.unlock() }
            if let seconds = record(["token-address:" + address], limit: limits.credentialsPerAddress, now: now) {
                Self.countRefusal(kind: "credential", reason: "wait")
                throw Wait(seconds: seconds)
            }
            Self.countRefusal(kind: "credential", reason: "wrong")
            throw error
        }
    }

    // MARK: Enrolment codes

    /// Tries an enrolment code with `enrol` when the limits allow it, and counts a wrong code.
    /// - Parameters:
    ///   - code: the code as typed (kept only as a hash, to count tries of the same value).
    ///   - device: the sign-in page's device cookie, nil for the API.
    /// - Throws: `Wait` (refused unchecked: the code, the device or the address spent its tries),
    ///   or what `enrol` throws.
    public func enrolment<T>(code: String, device: String?, address: String, _ enrol: () throws -> T) throws -> T {
        let codeKey = "code:" + CredentialSecret.sha256(CredentialSecret.normalisedCode(code) ?? code)
        let deviceKey = device.map { "device:" + $0 }
        let addressKey = "address:" + address
        let now = clock()
        do {
            lock.lock()
            let wait = waitBeforeEnrolment(
                codeKey: codeKey, deviceKey: deviceKey, device: device, addressKey: addressKey, now: now)
            lock.unlock()
            if let wait {
                Self.countRefusal(kind: "enrolment_code", reason: "wait")
                throw Wait(seconds: wait)
            }
        }
        do {
            return try enrol()
        } catch let error as JifenError where error.code == .badEnrolmentCode {
            Self.countRefusal(kind: "enrolment_code", reason: "wrong")
            lock.lock(); defer { lock.unlock() }
            _ = record([codeKey], limit: limits.perCode, now: now)
            if let deviceKey { _ = record([deviceKey], limit: limits.perDevice, now: now) }
            _ = record([addressKey], limit: limits.perAddress, now: now)
            throw error
        }
    }

    /// A new device id for the sign-in page's cookie at `address`; nil when the address was given
    /// `devicesPerAddress` in the window (the page then works, but its device is not known here).
    public func newDevice(address: String) -> String? {
        let now = clock()
        lock.lock(); defer { lock.unlock() }
        guard record(["devices:" + address], limit: limits.devicesPerAddress, now: now, countingSpent: false) == nil
        else { return nil }
        let id = CredentialSecret.sha256(UUID().uuidString + "\(now.timeIntervalSince1970)").prefix(32).lowercased()
        devices[id] = now
        if devices.count > 200_000 { devices = devices.filter { now.timeIntervalSince($0.value) <= 86_400 } }
        return id
    }

    /// Whether `device` is one this guard handed out (a forged or forgotten cookie is not).
    public func knows(device: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return devices[device] != nil
    }

    // MARK: Metrics (the facade: a no-op unless the process bootstrapped one, as `jifen serve` does)

    /// A refused sign-in: `kind` credential or enrolment_code; `reason` wrong (checked and wrong) or
    /// wait (refused unchecked, 429). Labels are fixed words: never the address, code or credential.
    static func countRefusal(kind: String, reason: String) {
        Counter(label: "jifen_signin_refusals_total", dimensions: [("kind", kind), ("reason", reason)]).increment()
    }

    /// A limit reached: from now its key is answered "wait" until the window moves on. The label
    /// names the limit (the key's prefix), never the key's value.
    static func countLockout(key: String) {
        let limit: String
        switch key.prefix(while: { $0 != ":" }) {
        case "token-address": limit = "credentials_per_address"
        case "code": limit = "per_code"
        case "device": limit = "per_device"
        case "address": limit = "per_address"
        case "devices": limit = "devices_per_address"
        default: limit = "other"
        }
        Counter(label: "jifen_signin_lockouts_total", dimensions: [("limit", limit)]).increment()
    }

    // MARK: Counting (under the lock)

    private func waitBeforeEnrolment(
        codeKey: String, deviceKey: String?, device: String?, addressKey: String, now: Date
    ) -> Int? {
        if let wait = spent(codeKey, limit: limits.perCode, now: now) { return wait }
        if let deviceKey, let wait = spent(deviceKey, limit: limits.perDevice, now: now) { return wait }
        guard let wait = spent(addressKey, limit: limits.perAddress, now: now) else { return nil }
        // The address spent its tries: a device handed out here that has not failed may still try.
        if let device, devices[device] != nil, let deviceKey, recent(deviceKey, now: now).isEmpty { return nil }
        return wait
    }

    /// The failures of `key` still inside the window at `now`.
    private func recent(_ key: String, now: Date) -> [Date] {
        (failures[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
    }

    /// Seconds until `key` may try again, nil when it has not spent `limit` tries in the window.
    private func spent(_ key: String, limit: Int, now: Date) -> Int? {
        let times = recent(key, now: now)
        guard times.count >= limit, let oldest = times.first else { return nil }
        return max(1, Int((oldest.addingTimeInterval(limits.window).timeIntervalSince(now)).rounded(.up)))
    }

    /// Counts one more try for each key; returns the seconds to wait when one was already spent
    /// (`countingSpent`: a spent key keeps counting, so steady failures keep it spent).
    private func record(_ keys: [String], limit: Int, now: Date, countingSpent: Bool = true) -> Int? {
        var wait: Int?
        for key in keys {
            if let seconds = spent(key, limit: limit, now: now) {
                wait = max(wait ?? 0, seconds)
                if !countingSpent { continue }
            }
            var times = recent(key, now: now)
            let wasOpen = times.count < limit
            times.append(now)
            if times.count > limit { times.removeFirst(times.count - limit) }
            failures[key] = times
            if wasOpen && times.count >= limit { Self.countLockout(key: key) }
        }
        if failures.count > 200_000 { failures = failures.filter { !recent($0.key, now: now).isEmpty } }
        return wait
    }
}
