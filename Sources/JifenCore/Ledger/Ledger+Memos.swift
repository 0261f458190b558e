import Foundation

/// Erasing the free text of transfers. The hash chain covers a memo's salted digest, not its
/// text (`TransferHash.canonical`), so the text can be replaced and the salt dropped while every
/// transfer stays proven: `verify --full` stays green, and without the salt nobody can test a
/// guess of the old text against the digest.
extension Ledger {
    /// What an erased memo reads afterwards.
    public static let erasedMemo = "已注销"

    /// Replaces the memo of every transfer debiting or crediting `account` with `replacement`
    /// and drops its salt, in one transaction. Transfers without a memo, or already erased, are
    /// left as they are, so erasing twice changes nothing the second time.
    /// - Returns: how many transfers had their memo erased.
    @discardableResult
    public func eraseMemos(involving account: String, replacement: String = Ledger.erasedMemo) throws -> Int {
        try store.write { tx in
            guard try tx.account(account) != nil else {
                throw JifenError.unknown(Bilingual(zh: "账户", en: "account"), account)
            }
            return try tx.eraseTransferMemos(account: account, replacement: replacement)
        }
    }
}
