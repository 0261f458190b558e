import Testing

extension Tag {
    /// Suites that start, wait on and kill processes, wait on real time (lock and lease timeouts,
    /// slow clients, crash and restart), or race many writers at once. scripts/test runs them after
    /// the parallel pass, one test at a time, so that on a small machine other tests running beside
    /// them do not starve them into timing out.
    @Tag public static var alone: Self
}
