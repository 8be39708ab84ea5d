import FDFAData
import Foundation

/// Where the lessons live and how they are listed. Lessons are the recorded notebooks
/// `lessons/N-name.md` of the source tree; the library looks in `$FDFA_LESSONS`, then `./lessons`,
/// then in a `lessons` directory beside the executable or above it (a binary in `.build/release`
/// finds the checkout's lessons).
public enum LessonLibrary {
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 executable: URL? = Bundle.main.executableURL) -> String? {
        var candidates = [environment["FDFA_LESSONS"], "lessons"].compactMap { $0 }
        var folder = executable?.deletingLastPathComponent()
        while let current = folder, current.path != "/" {
            candidates.append(current.appendingPathComponent("lessons").path)
            folder = current.deletingLastPathComponent()
        }
        return candidates.first { !((try? lessonFiles(in: $0)) ?? []).isEmpty }
    }

    /// The lessons in `directory`, by number.
    public static func lessons(in directory: String) throws -> [Lesson] {
        try lessonFiles(in: directory).map { number, path in
            // A FIFO, a directory or an unreadable file in the lesson's place is named, not a raw Foundation error or a wait.
            let bytes: [UInt8]
            do { bytes = try FileBytes.readRaw(path) } catch { throw LanguageError.runtime("lesson \(number): \(error)") }
            return Lesson(number: number, notebook: Notebook(markdown: String(decoding: bytes, as: UTF8.self)))
        }
    }

    /// `N-name.md` files, by number.
    static func lessonFiles(in directory: String) throws -> [(number: Int, path: String)] {
        try FileManager.default.contentsOfDirectory(atPath: directory).compactMap { name -> (Int, String)? in
            guard name.hasSuffix(".md"), let number = Int(name.prefix { $0.isNumber }) else { return nil }
            return (number, (directory as NSString).appendingPathComponent(name))
        }.sorted { $0.0 < $1.0 }
    }

    /// One line per lesson, for `lesson` without a number.
    public static func index(_ lessons: [Lesson]) -> String {
        (["Lessons (lesson N walks through one at the interactive prompt):"]
            + lessons.map { "  \($0.number)  \($0.title)  (\($0.steps.count) steps)" }).joined(separator: "\n")
    }

    /// The lessons, or an error saying where they were looked for.
    public static func load() throws -> [Lesson] {
        guard let directory = directory() else {
            throw LanguageError.runtime("no lessons found: set FDFA_LESSONS to the lessons/ directory of the fdfa source tree")
        }
        return try lessons(in: directory)
    }

    /// Lesson `number`, or an error listing the numbers there are.
    public static func lesson(_ number: Int, among lessons: [Lesson]) throws -> Lesson {
        guard let lesson = lessons.first(where: { $0.number == number }) else {
            throw LanguageError.runtime("there is no lesson \(number); lessons: \(lessons.map { String($0.number) }.joined(separator: ", "))")
        }
        return lesson
    }
}
