import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct Release: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Cancel a held redemption before pickup: points and stock come back (merchant, volunteer or admin).",
            discussion: "Example: jifen --as M001 release R003")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Redemption id, e.g. R002.") var redemption: String

        func execute(_ context: Context) throws {
            let id = try Redemption.parseID(redemption)
            printReceipt(try context.perform(API.release, .init(redemption: id)), context)
        }
    }
}
