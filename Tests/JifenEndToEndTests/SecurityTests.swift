import Testing

/// What a legitimate but malicious holder of a credential can do, one case per finding,
/// through the real binary and a real `jifen serve` on both stores. Each area's cases live in an
/// extension in `SecurityTests+<Area>.swift`; `swift test --filter SecurityTests` runs them all.
@Suite(.serialized) struct SecurityTests {}
