import FDFALanguage

/// Runs `body`, reporting a notebook or file error (a `LanguageError` without a place in code)
/// as a plain failure message: "Error: cannot write x.md: …", not the usage text.
func reportingNotebookErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LanguageError where error.location == nil {
        throw CommandFailure(error.message)
    }
}
