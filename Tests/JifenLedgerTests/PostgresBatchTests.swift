import Testing

@testable import JifenPostgres

/// A transfer's writes travel as one statement of WITH clauses: each write's placeholders are
/// moved past the ones before it.
@Suite struct PostgresBatchTests {
    @Test func placeholdersAreMovedPastTheEarlierWrites() {
        #expect(
            PostgresSession.renumbered("UPDATE account SET balance = balance + $1 WHERE id = $2", by: 14)
                == "UPDATE account SET balance = balance + $15 WHERE id = $16")
        #expect(PostgresSession.renumbered("VALUES ($9, $10, $11)", by: 1) == "VALUES ($10, $11, $12)")
        #expect(PostgresSession.renumbered("SELECT $1", by: 0) == "SELECT $1")
        // A dollar sign that is not a placeholder stays as it is.
        #expect(PostgresSession.renumbered("SELECT '$' || $1, $$", by: 2) == "SELECT '$' || $3, $$")
        #expect(PostgresSession.renumbered("$1$2", by: 1) == "$2$3")
    }
}
