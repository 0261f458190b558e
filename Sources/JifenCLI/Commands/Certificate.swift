import ArgumentParser
import Foundation
import JifenCore
import JifenSQLite

extension Jifen {
    struct CertificateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "certificate", abstract: "Service certificates 志愿服务证明: issue one, or verify a code.",
            subcommands: [Issue.self, Check.self], defaultSubcommand: Issue.self)

        struct Issue: JifenCommand {
            static let configuration = CommandConfiguration(
                commandName: "issue", abstract: "Write a 志愿服务证明 for a volunteer (free; verifiable by its code).",
                discussion: "Example: jifen certificate V0001 --from 2026-01-01 --to 2026-11-30 --format html --output 证明.html")
            @OptionGroup var global: GlobalOptions
            @Argument var volunteer: String
            @Option(help: "First day (default: the first record).") var from: String?
            @Option(help: "Last day (default: today).") var to: String?
            @Option(help: "md or html.") var format: String = "md"
            @Option(help: "Output file (default: 志愿服务证明-<volunteer>-<number>.<format>).") var output: String?

            func execute(_ context: Context) throws {
                guard format == "md" || format == "html" else {
                    throw JifenError.usage("bad-format", zh: "格式应为 md 或 html。", en: "The format is md or html.")
                }
                let db = try context.openLedgerDatabase()
                let zone = context.timeZone
                // Without --from: from the first approved record, so the certificate states a real period.
                let first = try db.records(activity: nil, volunteer: volunteer, pendingOnly: false, from: nil, to: nil).first { $0.record.status == .approved }?.record.serviceDay
                let fromDay = try from.map { try DayFormat.day($0, in: zone, field: "--from") } ?? first ?? DayFormat.string(context.now(), in: zone)
                let toDay = try to.map { try DayFormat.day($0, in: zone, field: "--to") } ?? DayFormat.string(context.now(), in: zone)
                guard fromDay <= toDay else { throw JifenError.usage("bad-range", zh: "--to 早于 --from。", en: "--to is before --from.") }
                let person = try db.volunteer(volunteer)
                _ = try Permissions.recordFilter(actor: context.actor, requested: volunteer, in: db)
                let community = try db.resolveCommunity(person.community)
                // The file is made before the number is issued: an output that cannot be written is
                // refused while nothing has changed, not after a certificate number was used up.
                let pending = try PendingOutput(output ?? "志愿服务证明-\(volunteer).\(format)")
                var written = false
                defer { if !written { pending.discard() } }
                let (certificate, views) = try db.issueCertificate(volunteer: volunteer, fromDay: fromDay, toDay: toDay, actor: context.actor,
                                                                    nowMillis: context.now().millis, zone: zone)
                let text = CertificateText(certificate: certificate, volunteer: person, community: community, records: views,
                                           issued: DayFormat.string(context.now(), in: zone)).render(format)
                let path = output ?? "志愿服务证明-\(volunteer)-\(certificate.number).\(format)"
                try pending.commit(Data(text.utf8), to: path)
                written = true
                if context.options.json {
                    struct Out: Encodable { var number: String; var code: String; var file: String; var minutes: Int64; var hours: String; var records: Int }
                    return context.printJSON(Out(number: certificate.number, code: certificate.code, file: path, minutes: certificate.minutes,
                                                 hours: hoursText(certificate.minutes), records: certificate.records))
                }
                context.print(context.t("已出具证明 \(certificate.number)（\(hoursText(certificate.minutes)) 小时，\(certificate.records) 条记录）→ \(path)，验证码 \(certificate.code)",
                                        "Issued certificate \(certificate.number) (\(hoursText(certificate.minutes)) h, \(certificate.records) records) → \(path); verification code \(certificate.code)"))
            }
        }

        struct Check: JifenCommand {
            static let configuration = CommandConfiguration(
                commandName: "verify", abstract: "Check a certificate's code against the ledger.",
                discussion: "Example: jifen certificate verify 3F2A-91BC-0D47   # the verification code printed on the certificate")
            @OptionGroup var global: GlobalOptions
            @Argument var code: String

            func execute(_ context: Context) throws {
                let (c, matches) = try context.openLedgerDatabase().verifyCertificate(code: code)
                if context.options.json {
                    struct Out: Encodable { var valid: Bool; var number: String; var volunteer: String; var from: String; var to: String; var hours: String }
                    context.printJSON(Out(valid: matches, number: c.number, volunteer: c.volunteer, from: c.fromDay, to: c.toDay, hours: hoursText(c.minutes)))
                } else if matches {
                    context.print(context.t("有效：证明 \(c.number)，\(c.volunteer)，\(c.fromDay) 至 \(c.toDay)，\(hoursText(c.minutes)) 小时，与账本一致。",
                                            "Valid: certificate \(c.number), \(c.volunteer), \(c.fromDay) to \(c.toDay), \(hoursText(c.minutes)) h, matches the ledger."))
                } else {
                    context.print(context.t("证明 \(c.number) 确由本社区出具，但其后服务记录已更正，内容与账本不再一致。请重新出具。",
                                            "Certificate \(c.number) was issued here, but its service records were corrected since; it no longer matches the ledger. Issue a new one."))
                }
                if !matches { throw ExitCode(ExitStatus.verifyFailed) }
            }
        }
    }
}

/// A file about to be written: a scratch file is created in the destination's folder first, so a
/// folder that does not exist or cannot be written is found before anything is changed; the
/// finished text then replaces it under its final name with one rename (never a half-written file).
struct PendingOutput {
    let scratch: String

    init(_ destination: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: destination, isDirectory: &isDirectory), isDirectory.boolValue {
            throw Self.cannotWrite(destination, zh: "这是一个文件夹", en: "it is a folder")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        let name = ".jifen-\(UUID().uuidString.lowercased()).tmp"
        scratch = folder.isEmpty ? name : (folder as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: scratch, contents: nil) else {
            throw Self.cannotWrite(destination, zh: "文件夹不存在或不可写", en: "its folder does not exist or cannot be written")
        }
    }

    func commit(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: scratch))
        } catch {
            throw Self.cannotWrite(path, zh: "写入失败", en: "writing failed", unchanged: false)
        }
        guard rename(scratch, path) == 0 else {
            throw Self.cannotWrite(path, zh: "无法改名为该文件名", en: "it cannot be renamed to that name", unchanged: false)
        }
    }

    func discard() { try? FileManager.default.removeItem(atPath: scratch) }

    static func cannotWrite(_ path: String, zh: String, en: String, unchanged: Bool = true) -> JifenError {
        .fault("cannot-write", zh: "无法写入 \(path)（\(zh)）。请换一个可写的 --output 路径" + (unchanged ? "；什么也没有改变。" : "。"),
               en: "Cannot write \(path) (\(en)). Choose a writable --output path" + (unchanged ? "; nothing was changed." : "."))
    }
}

/// The certificate's text, in Markdown or HTML.
struct CertificateText {
    var certificate: Certificate
    var volunteer: Volunteer
    var community: Community
    var records: [RecordView]
    var issued: String

    func render(_ format: String) -> String {
        let idNumber = volunteer.idNumber.map { "（身份证号 \(Masking.idNumber($0))）" } ?? ""
        let intro = "兹证明 \(volunteer.name)\(idNumber) 于 \(certificate.fromDay) 至 \(certificate.toDay) 期间参加志愿服务，"
            + "累计服务时长 \(hoursText(certificate.minutes)) 小时（\(certificate.records) 次）。"
        let rows = records.map { [$0.record.serviceDay, $0.activityTitle, $0.content, $0.teamName, hoursText($0.record.minutes)] }
        let footer = ["出具单位：\(community.name)", "证明编号：\(certificate.number)", "出具日期：\(issued)",
                      "验证码：\(certificate.code)（用 jifen certificate verify \(certificate.code) 核验）"]
        let headers = ["日期", "活动", "服务内容", "服务队", "时长（小时）"]
        if format == "html" {
            func esc(_ s: String) -> String {
                s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            }
            let head = headers.map { "<th>\(esc($0))</th>" }.joined()
            let body = rows.map { "<tr>" + $0.map { "<td>\(esc($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
            return """
                <!doctype html><html lang="zh"><meta charset="utf-8"><title>志愿服务证明 \(certificate.number)</title>
                <body><h1>志愿服务证明</h1><p>\(esc(intro))</p>
                <table border="1" cellpadding="4"><tr>\(head)</tr>
                \(body)
                </table>
                \(footer.map { "<p>\(esc($0))</p>" }.joined(separator: "\n"))
                </body></html>

                """
        }
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        return (["# 志愿服务证明", "", intro, "", "| " + headers.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: headers.count)]
            + rows.map { "| " + $0.map(cell).joined(separator: " | ") + " |" } + [""] + footer.map { $0 + "  " }).joined(separator: "\n") + "\n"
    }
}
