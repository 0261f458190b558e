import Foundation
import JifenCore
import PostgresNIO

/// What PostgreSQL's errors mean to Jifen: which ones a rerun of the transaction resolves, and
/// the bilingual message for the rest.
enum PostgresFailure {
    /// SQLSTATE of a server error, e.g. `40P01`.
    static func state(_ error: PSQLError) -> String? {
        error.code == .server ? error.serverInfo?[.sqlState] : nil
    }

    /// Deadlock, serialisation failure, or a unique key taken by a concurrent transaction
    /// (two writers with the same idempotency key, or the same next registry id): the rerun
    /// reads the committed rows and decides again.
    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = state(error) else { return false }
        return state == "40001" || state == "40P01" || state == "23505"
    }

    static func translate(_ error: any Error, target: PostgresTarget) -> JifenError {
        if let error = error as? JifenError { return error }
        let place = target.display
        guard let psql = error as? PSQLError else {
            return .fault(
                .cannotConnect, zh: "无法连接 PostgreSQL \(place)：\(error)。请确认服务器已启动、地址和端口正确。",
                en:
                    "Cannot reach PostgreSQL at \(place): \(error). Check that the server is running and the URL is right.",
                cause: nil)
        }
        guard let state = state(psql) else {
            return .fault(
                .cannotConnect, zh: "无法连接 PostgreSQL \(place)（\(psql.code)）。请确认服务器已启动、地址和端口正确。",
                en:
                    "Cannot reach PostgreSQL at \(place) (\(psql.code)). Check that the server is running and the URL is right.",
                cause: psql)
        }
        let message = psql.serverInfo?[.message] ?? "\(psql.code)"
        switch state {
        case "23514" where message.contains("account"):
            return .balanceConstraint
        case "40001", "40P01", "23505":
            return JifenError(
                .busy, .busy, zh: "PostgreSQL \(place) 上的并发写入冲突，重试多次仍未成功。请稍后再试。",
                en: "Concurrent writes kept conflicting on PostgreSQL \(place), even after retries. Try again shortly.",
                cause: psql)
        case "3D000":
            return .fault(
                .noDatabase, zh: "PostgreSQL 上没有数据库 \(target.database)。请先用 createdb \(target.database) 创建。",
                en:
                    "PostgreSQL has no database \(target.database). Create it first with `createdb \(target.database)`.",
                cause: psql)
        case let s where s.hasPrefix("28"):
            return .fault(
                .auth, zh: "PostgreSQL 拒绝了用户 \(target.user) 的登录：\(message)。请检查用户名、密码和 pg_hba.conf。",
                en:
                    "PostgreSQL refused the login of \(target.user): \(message). Check the user, the password and pg_hba.conf.",
                cause: psql)
        case "57P01", "57P02", "57P03":
            return .fault(
                .serverStopping, zh: "PostgreSQL \(place) 正在关闭或启动中，未做任何更改。请稍后再试。",
                en: "PostgreSQL at \(place) is shutting down or starting; nothing was changed. Try again shortly.",
                cause: psql)
        case "53100":
            return .fault(
                .diskFull, zh: "PostgreSQL 服务器磁盘已满，写入未完成（未做任何更改）。",
                en: "The PostgreSQL server's disk is full; nothing was written.",
                cause: psql)
        default:
            return .fault(
                .database, zh: "PostgreSQL 出错（\(state)）：\(message)", en: "PostgreSQL error (\(state)): \(message)",
                cause: psql)
        }
    }
}
