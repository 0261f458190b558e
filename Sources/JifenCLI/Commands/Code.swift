import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct Code: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a one-time redemption code: the volunteer's consent to one redemption.",
            discussion: """
                The volunteer (or an admin helping them) runs it and reads the digits to the merchant.
                The code works once, for at most --max-points points (default codes.max_points, 200), and
                expires after codes.ttl_minutes (default 5). A new code voids the previous one. Only hashes are
                stored. With --json it also gives the secret a QR carries (128 random bits; the pages draw it).
                Example: jifen --as V0001 code V0001
                Example: jifen --as V0001 code V0001 --max-points 30
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Volunteer id, e.g. V0001.") var volunteer: String
        @Option(help: "The most points this code may take (default: the setting codes.max_points).") var maxPoints:
            Int64?

        func execute(_ context: Context) throws {
            let issued = try context.perform(API.issueCode, .init(account: volunteer, maxPoints: maxPoints))
            if context.options.json {
                struct Out: Encodable {
                    var volunteer: String; var code: String; var secret: String; var max_points: Int64;
                    var expires_at: String
                }
                return context.printJSON(
                    Out(
                        volunteer: volunteer, code: issued.code, secret: issued.secret, max_points: issued.maxPoints,
                        expires_at: DayFormat.iso(millis: issued.expiresAtMillis)))
            }
            context.print(
                context.t(
                    "兑换码 \(issued.code)（\(volunteer)，最多 \(issued.maxPoints) 分，\(context.time(issued.expiresAtMillis)) 前有效，仅限一次）",
                    """
                    Code \(issued.code) for \(volunteer): at most \(issued.maxPoints) points, valid once, \
                    until \(context.time(issued.expiresAtMillis))
                    """
                ))
        }
    }
}
