/// The writer thread's error, read by the reader after both have finished (the group orders them).
final class ErrorBox: @unchecked Sendable {
    var error: Error?
}
