import ArgumentParser
import Foundation
import JifenAPI
import JifenCore
import JifenApp

extension Jifen {
    struct Code: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a one-time redemption code: the volunteer's consent to one redemption.",
            discussion: """
                The volunteer (or an admin helping them) runs it and reads the digits to the merchant.
                The code works once and expires after codes.ttl_minutes (default 5). Only its hash is stored.
                Example: jifen --as V0001 code V0001
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Volunteer id, e.g. V0001.") var volunteer: String

        func execute(_ context: Context) throws {
            let issued = try context.perform(API.issueCode, .init(account: volunteer))
            if context.options.json {
                struct Out: Encodable { var volunteer: String; var code: String; var expires_at: String }
                return context.printJSON(Out(volunteer: volunteer, code: issued.code, expires_at: DayFormat.iso(millis: issued.expiresAtMillis)))
            }
            context.print(context.t("兑换码 \(issued.code)（\(volunteer)，\(context.time(issued.expiresAtMillis)) 前有效，仅限一次）",
                                    "Code \(issued.code) for \(volunteer): valid once, until \(context.time(issued.expiresAtMillis))"))
        }
    }
}
