import ArgumentParser
import Foundation
import JifenApp
import JifenCore

extension Jifen {
    struct Init: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new database with its first community. 新建数据库。",
            discussion: "Example: jifen --db rose.sqlite init --community 玫瑰园社区 --admin 李主任")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Name of the first community.") var community: String = JifenApp.Defaults.communityName
        @Option(help: "Name of the first admin (use it with --as).") var admin: String = JifenApp.Defaults.owner

        func execute(_ context: Context) throws {
            let created = try JifenApp.initialise(
                .init(
                    location: context.dbPath, communityName: community, admin: admin,
                    busyTimeout: context.busyTimeout), clock: context.now, idKeyFile: context.idKeyFile)
            if context.options.json {
                context.printJSON(created)
            } else {
                context.print(
                    context.t(
                        "已创建数据库 \(context.dbPath)：社区 \(created.community) \(created.communityName)，管理员 \(created.admin)。",
                        "Created \(context.dbPath): community \(created.community) \(created.communityName), admin \(created.admin)."
                    ))
                if let key = created.keyFile {
                    context.print(
                        context.t(
                            "身份证号加密密钥：\(key)（仅所有者可读）。请另行备份，不要与数据库放在同一份备份里。",
                            "ID-number key: \(key) (owner-only). Back it up apart from the database's backups."))
                }
            }
        }
    }
}
