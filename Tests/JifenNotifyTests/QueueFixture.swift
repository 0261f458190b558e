import Foundation
import JifenCore
import JifenNotify
import JifenTestSupport

/// What the queue tests use of a store: the webhook side and the ledger's writes (for events).
typealias QueueStore = Store

/// A fresh ledger with a community and the admin `admin`, on either store.
struct QueueFixture: WebhookFixture {
    let kind: StoreKind
    let db: any QueueStore
    /// The folder and (PostgreSQL) schema; removed and dropped when the test lets go of them.
    let scratch: Scratch

    /// The SQLite file's path or the PostgreSQL URL (with its schema): what `--db` takes.
    var location: String { scratch.location }

    static func make(_ kind: StoreKind) throws -> QueueFixture {
        switch kind {
        case .sqlite:
            let test = try TestDatabase()
            return QueueFixture(kind: kind, db: test.db, scratch: test.scratch)
        case .postgres:
            let scratch = try Scratch(kind, folderPrefix: "jifen-notify-", file: "jifen.sqlite", schemaPrefix: "n_")
            let store = try scratch.create()
            _ = try Registry(store: store).initialise(communityName: "玫瑰园社区", admin: "admin", nowMillis: Date().millis)
            return QueueFixture(kind: kind, db: store, scratch: scratch)
        }
    }

    /// Another handle on the same database with connections of its own, as another process has.
    func reopen() throws -> any QueueStore { try scratch.open() }

    func remove() { scratch.remove() }

    var queueStore: any QueueStore { db }

    /// Registers a volunteer through the store's own registry.
    func addVolunteer(_ name: String) throws -> Volunteer {
        try Registry(store: db).addVolunteer(
            Volunteer(community: "C01", name: name, phone: "13800001234"), actor: "admin", nowMillis: 1,
            allowDuplicate: false)
    }
}
