// The seam's former protocol names, kept while call sites move to the new ones.
public typealias LedgerReading = ReadTransaction
public typealias LedgerWriting = WriteTransaction
public typealias ServiceWriting = WriteTransaction
