import ArgumentParser
import Foundation
import JifenCore
import JifenSQLite

extension Jifen {
    struct Settle: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle a merchant (admin): what it took in moves to the community's settlement account.",
            discussion: """
                Covers every redemption through --through (default today) not yet settled, less its refunds,
                and lists them; settling the same period again settles nothing.
                Example: jifen settle M001 --through 2026-11-30 --csv M001-2026-11.csv
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Merchant id, e.g. M001.") var merchant: String
        @Option(help: "Last day covered (inclusive); default today.") var through: String?
        @Option(help: "Also write the redemptions covered to this CSV file.") var csv: String?

        func execute(_ context: Context) throws {
            if let csv { try checkWritable(csv) }
            let db = try context.openLedgerDatabase()
            let result = try context.ledger(db).settle(merchant: merchant, throughDay: through, actor: context.actor)
            let rows = result.lines.map { line in
                [line.redemption.label, context.time(line.atMillis), line.redemption.volunteer, line.redemption.offer ?? "",
                 String(line.redeemed), String(line.refunded), String(line.net)]
            }
            if let csv {
                let header = ["redemption", "time", "volunteer", "offer", "redeemed", "refunded", "settled"]
                try CSV.write([header] + rows, to: csv)
            }
            let s = result.settlement
            if context.options.json {
                struct Line: Encodable { var redemption: String; var at: String; var volunteer: String; var offer: String?; var redeemed: Int64; var refunded: Int64; var settled: Int64 }
                struct Out: Encodable { var settlement: String; var merchant: String; var through: String; var points: Int64; var transfer: TransferJSON; var redemptions: [Line] }
                return context.printJSON(Out(settlement: s.label, merchant: s.merchant, through: s.throughDay, points: s.points,
                                             transfer: TransferJSON(try sealed(result.posted.transfer, db: db)), redemptions: result.lines.map {
                                                 Line(redemption: $0.redemption.label, at: DayFormat.iso(millis: $0.atMillis), volunteer: $0.redemption.volunteer,
                                                      offer: $0.redemption.offer, redeemed: $0.redeemed, refunded: $0.refunded, settled: $0.net)
                                             }))
            }
            context.print(context.t("结算单 \(s.label)：\(s.merchant) 截至 \(s.throughDay) 共 \(result.lines.count) 笔兑换，结算 \(s.points) 积分（转账 #\(s.transfer)）。",
                                    "Settlement \(s.label): \(s.merchant) through \(s.throughDay), \(result.lines.count) redemptions, \(s.points) points settled (transfer #\(s.transfer))."))
            context.printTable([context.t("兑换单", "redemption"), context.t("时间", "time"), context.t("志愿者", "volunteer"), context.t("项目", "offer"),
                                context.t("兑换", "redeemed"), context.t("已退", "refunded"), context.t("结算", "settled")], rows, right: [4, 5, 6])
        }
    }
}

/// Plain RFC 4180 CSV: fields with commas, quotes or line breaks are quoted.
enum CSV {
    /// One line, with formula-looking fields neutralised (`CSVText`).
    static func line(_ fields: [String]) -> String { CSVText.line(fields) }

    static func write(_ rows: [[String]], to path: String) throws {
        let text = rows.map(line).joined(separator: "\r\n") + "\r\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw JifenError.fault("cannot-write", zh: "无法写入 \(path)：\(error.localizedDescription)",
                                   en: "Cannot write \(path): \(error.localizedDescription)")
        }
    }
}

/// Refuses before any work when an output file cannot be written, so a command never half-succeeds.
func checkWritable(_ path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    let dir = folder.isEmpty ? "." : folder
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue,
          FileManager.default.isWritableFile(atPath: dir) else {
        throw JifenError.usage("bad-output", zh: "无法写入 \(path)：目录不存在或不可写。请换一个路径。",
                               en: "Cannot write \(path): its folder does not exist or is not writable. Choose another path.")
    }
}
