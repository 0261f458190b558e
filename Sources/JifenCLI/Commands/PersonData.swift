import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct PersonCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "person",
            abstract: "A person's data 个人信息: a copy of everything, erasure (注销), the retention sweep.",
            subcommands: [ExportData.self, Erase.self, Sweep.self])

        struct ExportData: JifenCommand {
            static let configuration = CommandConfiguration(
                commandName: "export",
                abstract: "Everything Jifen holds about a person, as JSON or CSV (an admin, or the person herself).",
                discussion: """
                    JSON: one document (stdout, or --out FILE). CSV: one file per kind of data in the folder --out DIR
                    (profile.csv, transfers.csv, service_records.csv …), UTF-8 with a BOM so Excel shows Chinese text.
                    Other people in her rows show only as ids or masked.
                    Example: jifen person export V0001 --format csv --out V0001-data
                    """)
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Volunteer id (V0001) or resident id (R001).") var person: String
            @Option(help: "json or csv.") var format: String = "json"
            @Option(help: "JSON: a file (default: stdout). CSV: a folder (required), made when missing.") var out:
                String?

            func execute(_ context: Context) throws {
                guard format == "json" || format == "csv" else {
                    throw JifenError.usage(
                        .badFormat, zh: "--format 应为 json 或 csv。", en: "--format must be json or csv.")
                }
                if format == "csv" && out == nil {
                    throw JifenError.usage(
                        .badOutput, zh: "CSV 按类别写成多个文件，请用 --out 目录 指定目录。",
                        en: "CSV is written as one file per kind of data: name a folder with --out DIR.")
                }
                if format == "json", let out { try checkWritable(out) }
                let data = try context.perform(API.exportPerson, .init(person: person))
                if format == "json" {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    encoder.keyEncodingStrategy = .convertToSnakeCase
                    let json = try encoder.encode(data) + Data("\n".utf8)
                    guard let out else { return FileHandle.standardOutput.write(json) }
                    try write(json, to: out)
                    return report(context, [out], data)
                }
                let folder = out ?? "."
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw JifenError.fault(
                        .cannotWrite, zh: "无法创建目录 \(folder)：\(error.localizedDescription)",
                        en: "Cannot make the folder \(folder): \(error.localizedDescription)")
                }
                var paths: [String] = []
                for file in data.csvFiles {
                    let path = (folder as NSString).appendingPathComponent(file.name)
                    try write(Data(file.text.utf8), to: path)
                    paths.append(path)
                }
                report(context, paths, data)
            }

            func write(_ data: Data, to path: String) throws {
                do {
                    try data.write(to: URL(fileURLWithPath: path), options: .atomic)
                } catch {
                    throw JifenError.fault(
                        .cannotWrite, zh: "无法写入 \(path)：\(error.localizedDescription)",
                        en: "Cannot write \(path): \(error.localizedDescription)")
                }
            }

            func report(_ context: Context, _ paths: [String], _ data: PersonExport) {
                let rows = data.sections.reduce(0) { $0 + $1.rows.count }
                if context.options.json {
                    struct Out: Encodable { var person: String; var files: [String]; var rows: Int }
                    return context.printJSON(Out(person: data.person, files: paths, rows: rows))
                }
                context.print(
                    context.t(
                        "已导出 \(data.person) 的个人信息（\(rows) 行）→ \(paths.joined(separator: ", "))",
                        "Exported the data of \(data.person) (\(rows) rows) → \(paths.joined(separator: ", "))"))
            }
        }

        struct Erase: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Erase a person's data (注销): name, phone, ID number, address and her texts read 已注销.",
                discussion: """
                    Every point, service record and checkpoint stays (verify stays green); her credentials are revoked;
                    the erasure is recorded with who, when and the reason (which must carry no personal data).
                    Example: jifen person erase V0002 --reason "本人申请注销"
                    """)
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Volunteer id (V0001) or resident id (R001).") var person: String
            @Option(help: "Why, without personal data (kept with the erasure).") var reason: String

            func execute(_ context: Context) throws {
                let done = try context.perform(API.erasePerson, .init(person: person, reason: reason))
                if context.options.json { return context.printJSON(done) }
                context.print(
                    context.t(
                        "已注销 \(done.person) 的个人信息（积分和服务记录保留）。",
                        "Erased the personal data of \(done.person) (points and service records stay)."))
            }
        }

        struct Sweep: JifenCommand {
            static let configuration = CommandConfiguration(
                abstract: "Erase everyone inactive for the retention period (setting retention.inactive_years).",
                discussion: """
                    Inactive: no service record, transfer, check-in, credential use, request or pay code since the cutoff.
                    Example: jifen person sweep
                    """)
            @OptionGroup var global: GlobalOptions
            @Option(help: "Years of inactivity (default: the setting retention.inactive_years).") var years: Int?

            func execute(_ context: Context) throws {
                let sweep = try context.perform(API.sweepPersons, .init(years: years))
                if context.options.json { return context.printJSON(sweep) }
                let ids = sweep.erased.map(\.person).joined(separator: " ")
                context.print(
                    context.t(
                        "查看 \(sweep.examined) 人，注销 \(sweep.erased.count) 人（\(sweep.years) 年无活动）\(ids.isEmpty ? "" : "：" + ids)",
                        "Examined \(sweep.examined), erased \(sweep.erased.count) (inactive \(sweep.years) years)\(ids.isEmpty ? "" : ": " + ids)"
                    ))
            }
        }
    }
}
