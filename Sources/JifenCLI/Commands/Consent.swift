import ArgumentParser
import Foundation
import JifenAPI
import JifenApp
import JifenCore

/// yes or no, as a consent is typed.
enum YesNo: String, ExpressibleByArgument, CaseIterable {
    case yes, no
    var granted: Bool { self == .yes }
}

/// A person's consents as `--json` prints them.
struct ConsentListing: Encodable {
    struct Record: Encodable {
        var kind: String; var version: String; var granted: Bool; var at: String; var recorded_by: String
    }
    var person: String
    var keep: Bool
    var publish: Bool
    var share: Bool
    var history: [Record]
}

extension Jifen {
    struct ConsentCommand: JifenCommand {
        static let configuration = CommandConfiguration(
            commandName: "consent",
            abstract:
                "Record or show a person's consent 同意: to keeping her data, to her name in the public notice, to sharing with merchants.",
            discussion: """
                Each kind is recorded on its own with the consent text's version and the time; withdrawing adds a \
                record (the history is kept). Without --publish, the notice shows her as 张*兰 beside her number; \
                without --share, merchants see no name or phone. The person herself (--as her id, or signed in) or \
                an admin over her community (her paper form) may record. With no --keep/--publish/--share it shows \
                her consents.

                Example: jifen consent V0001 --publish yes --share no --version 2026-01
                Example: jifen consent V0001
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The volunteer's or resident's id, e.g. V0001 or R001.") var person: String
        @Option(help: "Consent to keeping her data: yes or no.") var keep: YesNo?
        @Option(help: "Consent to her name in the public notice (公示): yes or no.") var publish: YesNo?
        @Option(help: "Consent to showing her name and phone to merchants: yes or no.") var share: YesNo?
        @Option(help: "Version of the consent text she signed (default 1).") var version: String?

        func execute(_ context: Context) throws {
            let state: ConsentState
            if keep == nil && publish == nil && share == nil {
                state = try context.perform(API.consents, .init(person: person))
            } else {
                state = try context.perform(
                    API.recordConsent,
                    .init(
                        person: person, keep: keep?.granted, publish: publish?.granted, share: share?.granted,
                        version: version))
            }
            if context.options.json {
                return context.printJSON(
                    ConsentListing(
                        person: state.person, keep: state.keep, publish: state.publish, share: state.share,
                        history: state.history.map {
                            .init(
                                kind: $0.kind.rawValue, version: $0.version, granted: $0.granted,
                                at: context.time($0.atMillis), recorded_by: $0.recordedBy)
                        }))
            }
            let yes = context.t("同意", "yes"), no = context.t("不同意", "no")
            context.print(state.person)
            context.printTable(
                [context.t("事项", "consent to"), context.t("现状", "now")],
                ConsentKind.allCases.map { kind in
                    let granted =
                        switch kind {
                        case .keep: state.keep
                        case .publish: state.publish
                        case .share: state.share
                        }
                    return [context.t(kind.words.zh, kind.words.en), granted ? yes : no]
                })
            if !state.history.isEmpty {
                context.print("")
                context.printTable(
                    [
                        context.t("时间", "at"), context.t("事项", "consent to"), context.t("版本", "version"),
                        context.t("同意", "given"), context.t("登记人", "recorded by"),
                    ],
                    state.history.map {
                        [
                            context.time($0.atMillis), context.t($0.kind.words.zh, $0.kind.words.en), $0.version,
                            $0.granted ? yes : no, $0.recordedBy,
                        ]
                    })
            }
        }
    }

    struct SealIDs: JifenCommand {
        static let configuration = CommandConfiguration(
            commandName: "seal-ids",
            abstract:
                "Encrypt the ID numbers still stored in plain text, making the key file when the database has none.",
            discussion: """
                A database from before encryption keeps ID numbers in plain text until this runs once. The key file \
                is --key-file, else JIFEN_KEY_FILE, else <database>.key beside a SQLite file; it is made readable by \
                its owner only (0600). Back it up apart from the database: without it the ID numbers cannot be read.

                Example: jifen seal-ids
                """)
        @OptionGroup var global: GlobalOptions

        func execute(_ context: Context) throws {
            let result = try context.app().sealIDNumbers(context.principal)
            if context.options.json {
                struct SealJSON: Encodable {
                    var key_file: String; var key_created: Bool; var sealed: Int; var duplicates: [String]
                }
                return context.printJSON(
                    SealJSON(
                        key_file: result.keyFile, key_created: result.keyCreated, sealed: result.sealed,
                        duplicates: result.duplicates))
            }
            if result.keyCreated {
                context.print(
                    context.t(
                        "已生成密钥文件 \(result.keyFile)（仅所有者可读）。请另行备份，不要与数据库放在同一份备份里。",
                        "Made the key file \(result.keyFile) (owner-only). Back it up apart from the database's backups."
                    ))
            }
            context.print(
                context.t("已加密 \(result.sealed) 个身份证号。", "Sealed \(result.sealed) ID numbers."))
            if !result.duplicates.isEmpty {
                context.print(
                    context.t(
                        "以下人员与他人身份证号相同，请核对：\(result.duplicates.joined(separator: "、"))",
                        "These share an ID number with someone else; check them: \(result.duplicates.joined(separator: ", "))"
                    ))
            }
        }
    }
}
