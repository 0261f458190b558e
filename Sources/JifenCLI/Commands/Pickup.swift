import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct Pickup: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand over a held redemption: its reserved points go to the merchant (at most once).",
            discussion: "Example: jifen --as M001 pickup R002")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Redemption id, e.g. R002.") var redemption: String

        func execute(_ context: Context) throws {
            let id = try Redemption.parseID(redemption)
            printReceipt(try context.perform(API.pickup, .init(redemption: id)), context)
        }
    }
}
