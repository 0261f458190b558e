import Foundation
import JifenCore
import NIOCore
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

    /// The connection to the primary is lost, or the server refused a write as read-only (it is
    /// a standby now): the pool must look for the primary again (`PostgresPool.primaryLost`).
    static func losesPrimary(_ error: any Error) -> Bool {
        // Only the connection's own failures: a body's other errors (a row that cannot be decoded,
        // a refusal) are the body's, and are never rerun or reported as a lost primary.
        if error is PostgresSession.Stalled || error is ChannelError || error is IOError { return true }
        guard let psql = error as? PSQLError else { return false }
        switch psql.code {
        case .server:
            guard let state = state(psql) else { return false }
            return state == "25006" || state.hasPrefix("57P") || state.hasPrefix("08")
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .clientClosedConnection:
            return true
        default:
            return false
        }
    }

    /// Whether a COMMIT that failed with `error` may nevertheless have been written: the
    /// connection broke, or the server was shut down, before it answered. (A server error
    /// answering a statement means the transaction was rolled back.)
    static func mayHaveCommitted(_ error: any Error) -> Bool {
        guard losesPrimary(error) else { return false }
        guard let psql = error as? PSQLError, psql.code == .server, let state = state(psql) else { return true }
        return state == "57P01" || state == "57P02" || state.hasPrefix("08")
    }

    /// A short reason for one host's failure, for `noPrimary`'s message.
    static func brief(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let state = state(psql) { return "\(state) \(psql.serverInfo?[.message] ?? "")" }
        return "\(psql.code)"
    }

    /// No server of the list accepts writes now: a failover is under way, or every one is down.
    static func noPrimary(_ target: PostgresTarget, reasons: [String]) -> JifenError {
        let list = reasons.joined(separator: "; ")
        return JifenError(
            .noPrimary, .busy,
            zh: "PostgreSQL \(target.display) 的服务器中现在没有可写入的主库（\(list)），可能正在切换主库。未做任何更改；请几秒后重试（写入请用同一个幂等键）。",
            en: "None of the PostgreSQL servers of \(target.display) accepts writes now (\(list)): a failover may be "
                + "under way. Nothing was changed; try again in a few seconds (a write with the same idempotency key).")
    }

    /// The connection broke while PostgreSQL was committing: the change may or may not be in.
    static func commitUnknown(_ target: PostgresTarget) -> JifenError {
        JifenError(
            .commitUnknown, .busy,
            zh: "提交时与 PostgreSQL \(target.display) 的连接断开，无法确定这次更改是否已写入。"
                + "请用同一个幂等键（--key 或 Idempotency-Key）重试：它最多生效一次。",
            en: "The connection to PostgreSQL at \(target.display) broke during the commit, so whether the change "
                + "was written is unknown. Retry with the same idempotency key (--key or Idempotency-Key): "
                + "it takes effect at most once.")
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
