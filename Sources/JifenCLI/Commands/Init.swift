import ArgumentParser
import Foundation
import JifenCore
import JifenPostgres
import JifenSQLite

extension Jifen {
    struct Init: JifenCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new database with its first community. 新建数据库。",
            discussion: "Example: jifen --db rose.sqlite init --community 玫瑰园社区 --admin 李主任")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Name of the first community.") var community: String = "我的社区"
        @Option(help: "Name of the first admin (use it with --as).") var admin: String = "admin"

        func execute(_ context: Context) throws {
            let created: Community
            if context.usesPostgres {
                let db = try PostgresStore.create(url: context.dbPath)
                created = try db.initialise(communityName: community, admin: admin, nowMillis: context.now().millis)
            } else {
                let db = try JifenDatabase.create(path: context.dbPath, busyTimeout: context.busyTimeout)
                created = try db.initialise(communityName: community, admin: admin, nowMillis: context.now().millis)
            }
            if context.options.json {
                context.printJSON(["database": context.dbPath, "community": created.id, "community_name": created.name, "admin": admin])
            } else {
                context.print(context.t("已创建数据库 \(context.dbPath)：社区 \(created.id) \(created.name)，管理员 \(admin)。",
                                        "Created \(context.dbPath): community \(created.id) \(created.name), admin \(admin)."))
            }
        }
    }
}
