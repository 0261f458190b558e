import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

extension Jifen {
    struct CertificateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "certificate", abstract: "Service certificates 志愿服务证明: issue one, or verify a code.",
            subcommands: [Issue.self, Check.self], defaultSubcommand: Issue.self)

        struct Issue: JifenCommand {
            static let configuration = CommandConfiguration(
                commandName: "issue", abstract: "Write a 志愿服务证明 for a volunteer (free; verifiable by its code).",
                discussion:
                    "Example: jifen certificate V0001 --from 2026-01-01 --to 2026-11-30 --format html --output 证明.html")
            @OptionGroup var global: GlobalOptions
            @Argument var volunteer: String
            @Option(help: "First day (default: the first record).") var from: String?
            @Option(help: "Last day (default: today).") var to: String?
            @Option(help: "md or html.") var format: String = JifenApp.Defaults.certificateFormat
            @Option(help: "Output file (default: 志愿服务证明-<volunteer>-<number>.<format>).") var output: String?

            func execute(_ context: Context) throws {
                let issued: JifenApp.IssuedCertificate
                if context.serverURL != nil {
                    // The server returns the document; it is written here, where the user is.
                    issued = try JifenApp.writingCertificate(
                        to: .init(path: output), volunteer: volunteer, format: format
                    ) {
                        try context.perform(
                            API.issueCertificate, .init(volunteer: volunteer, from: from, to: to, format: format))
                    }
                } else {
                    let input = JifenApp.CertificateInput(
                        volunteer: volunteer, from: from, to: to, format: format, file: .init(path: output))
                    issued = try context.app().issueCertificate(context.principal, input)
                }
                let certificate = issued.certificate, path = issued.file ?? ""
                if context.options.json {
                    struct Out: Encodable {
                        var number: String; var code: String; var file: String; var minutes: Int64; var hours: String;
                        var records: Int
                    }
                    return context.printJSON(
                        Out(
                            number: certificate.number, code: certificate.code, file: path,
                            minutes: certificate.minutes,
                            hours: hoursText(certificate.minutes), records: certificate.records))
                }
                context.print(
                    context.t(
                        """
                        已出具证明 \(certificate.number)（\(hoursText(certificate.minutes)) 小时，\(certificate.records) 条记录）→ \(path)，\
                        验证码 \(certificate.code)
                        """,
                        """
                        Issued certificate \(certificate.number) (\(hoursText(certificate.minutes)) h, \(certificate.records) records) \
                        → \(path); verification code \(certificate.code)
                        """
                    ))
            }
        }

        struct Check: JifenCommand {
            static let configuration = CommandConfiguration(
                commandName: "verify", abstract: "Check a certificate's code against the ledger.",
                discussion:
                    "Example: jifen certificate verify 3F2A-91BC-0D47   # the verification code printed on the certificate"
            )
            @OptionGroup var global: GlobalOptions
            @Argument var code: String

            func execute(_ context: Context) throws {
                let check = try context.perform(API.verifyCertificate, .init(code: code))
                let c = check.certificate, matches = check.matches
                if context.options.json {
                    struct Out: Encodable {
                        var valid: Bool; var number: String; var volunteer: String; var from: String; var to: String;
                        var hours: String
                    }
                    context.printJSON(
                        Out(
                            valid: matches, number: c.number, volunteer: c.volunteer, from: c.fromDay, to: c.toDay,
                            hours: hoursText(c.minutes)))
                } else if matches {
                    context.print(
                        context.t(
                            "有效：证明 \(c.number)，\(c.volunteer)，\(c.fromDay) 至 \(c.toDay)，\(hoursText(c.minutes)) 小时，与账本一致。",
                            """
                            Valid: certificate \(c.number), \(c.volunteer), \(c.fromDay) to \(c.toDay), \(hoursText(c.minutes)) h, \
                            matches the ledger.
                            """
                        ))
                } else {
                    context.print(
                        context.t(
                            "证明 \(c.number) 确由本社区出具，但其后服务记录已更正，内容与账本不再一致。请重新出具。",
                            """
                            Certificate \(c.number) was issued here, but its service records were corrected since; it no longer matches \
                            the ledger. Issue a new one.
                            """
                        ))
                }
                if !matches { throw ExitCode(ExitStatus.verifyFailed) }
            }
        }
    }
}
