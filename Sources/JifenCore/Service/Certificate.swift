import Crypto
import Foundation

/// A service certificate (志愿服务证明): free, and verifiable against the ledger by its code.
public struct Certificate: Codable, Sendable, Equatable {
    public var number: String
    public var volunteer: String
    public var fromDay: String
    public var toDay: String
    public var minutes: Int64
    public var records: Int
    /// Hash of the approved records it covers (ids, versions, minutes).
    public var digest: String
    public var code: String
    public var issuedAtMillis: Int64
    public var issuedBy: String

    public init(
        number: String, volunteer: String, fromDay: String, toDay: String, minutes: Int64, records: Int, digest: String,
        code: String, issuedAtMillis: Int64, issuedBy: String
    ) {
        self.number = number; self.volunteer = volunteer; self.fromDay = fromDay; self.toDay = toDay;
        self.minutes = minutes
        self.records = records; self.digest = digest; self.code = code; self.issuedAtMillis = issuedAtMillis;
        self.issuedBy = issuedBy
    }

    /// The digest of the records a certificate covers: any later correction changes it.
    public static func digest(_ records: [ServiceRecord]) -> String {
        let text = records.filter { $0.status == .approved }.sorted { $0.id < $1.id }
            .map { "\($0.id):\($0.version):\($0.minutes)" }.joined(separator: ",")
        return TransferHash.hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// `XXXX-XXXX-XXXX` from the certificate's content: typed on a phone to check it.
    public static func code(number: String, volunteer: String, fromDay: String, toDay: String, digest: String) -> String
    {
        let hash = TransferHash.hex(
            SHA256.hash(data: Data("\(number)|\(volunteer)|\(fromDay)|\(toDay)|\(digest)".utf8))
        ).uppercased()
        let chars = Array(hash.prefix(12))
        return [chars[0..<4], chars[4..<8], chars[8..<12]].map { String($0) }.joined(separator: "-")
    }
}
