import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen.Hours {
    struct Import: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an hour sheet (CSV from Excel/WPS, UTF-8 or GBK): all rows or none, each row once.",
            discussion: """
                Header names in Chinese or English: 姓名/name, 手机/phone, 志愿者编号/volunteer, 活动编号/activity,
                日期/date, 时长(分钟)/minutes or 时长/hours, 备注/note. A person is found by id, else phone (and name), else name.
                Example: jifen --as 马秀兰 hours import 11月工时.csv --activity A0002   # the README's sheet again: writes nothing
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The activity of every row (else an activity column).") var activity: String?
        @Option(help: "utf-8 or gbk (default: detected).") var encoding: String?
        @Flag(help: "Write the good rows and list the bad ones, instead of writing nothing.") var skipBad = false

        func execute(_ context: Context) throws {
            let forced = try encoding.map(HourSheet.Encoding.parse)
            let terminal = isatty(STDERR_FILENO) == 1
            let input = try JifenApp.ImportHoursInput(
                file: file, activity: activity, encoding: forced, skipBad: skipBad
            ) { done, total in
                guard terminal, total > 0 else { return }
                let width = 30
                let filled = width * done / total
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                FileHandle.standardError.write(Data("\r\(bar) \(done)/\(total)\(done == total ? "\n" : "")".utf8))
            }
            do {
                if context.serverURL != nil {
                    report(
                        try context.perform(
                            API.importHours,
                            .init(sheet: input.data, activity: activity, encoding: forced?.rawValue, skipBad: skipBad)),
                        context)
                } else {
                    report(try context.app().importHours(context.principal, input), context)
                }
            } catch let refusal as JifenApp.ImportRejected {
                let error = refusal.error
                guard context.options.json else {
                    report(refusal.outcome, context, refused: true)
                    throw error
                }
                // One JSON object: the documented error, with the rows' problems in it.
                let r = refusal.outcome
                struct Refused: Encodable {
                    var error: String; var code: String; var message: String; var exit: Int32
                    var encoding: String; var rows: Int; var problems: [ImportProblem]; var imported: Bool
                }
                let exit = ExitStatus.code(for: error.category)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                encoder.keyEncodingStrategy = .convertToSnakeCase
                let body = Refused(
                    error: "\(error.category)", code: error.code.rawValue,
                    message: error.message.text(context.language), exit: exit,
                    encoding: r.encoding, rows: r.rows, problems: r.problems, imported: false)
                FileHandle.standardError.write(((try? encoder.encode(body)) ?? Data()) + Data("\n".utf8))
                throw ExitCode(exit)
            }
        }

        func report(_ result: JifenApp.ImportOutcome, _ context: Context, refused: Bool = false) {
            if context.options.json {
                struct Out: Encodable {
                    var encoding: String; var rows: Int; var written: Int; var already_imported: Int;
                    var problems: [ImportProblem]; var imported: Bool
                }
                let out = Out(
                    encoding: result.encoding, rows: result.rows, written: refused ? 0 : result.written.count,
                    already_imported: result.alreadyImported, problems: result.problems, imported: !refused)
                context.printJSON(out)
                return
            }
            var lines: [String] = []
            for p in result.problems.prefix(200) {
                lines.append(context.t("  第 \(p.line) 行：\(p.reasonZh)", "  line \(p.line): \(p.reason)"))
            }
            if result.problems.count > 200 {
                lines.append(
                    context.t("  ……另有 \(result.problems.count - 200) 行", "  … and \(result.problems.count - 200) more"))
            }
            if !lines.isEmpty { FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8)) }
            if !refused {
                context.print(
                    context.t(
                        """
                        读取 \(result.rows) 行（\(result.encoding)）：新导入 \(result.written.count) 条待审核，\(result.alreadyImported) \
                        条此前已导入，\(result.problems.count) 行跳过。
                        """,
                        """
                        Read \(result.rows) rows (\(result.encoding)): \(result.written.count) imported pending \
                        approval, \(result.alreadyImported) already imported, \(result.problems.count) skipped.
                        """
                    ))
            }
        }
    }
}
