/// A learner's way through one lesson, a step at a time, in their own session: the REPL shows
/// `explanation`, offers `code` for editing, passes whatever the learner runs to `run`, and waits.
/// Kept apart from the terminal so it can be tested; variables stay in the session afterwards.
public final class LessonWalk {
    public let lesson: Lesson
    /// Index of the step to run next.
    public private(set) var position = 0

    public init(_ lesson: Lesson) { self.lesson = lesson }

    public var current: Lesson.Step? { position < lesson.steps.count ? lesson.steps[position] : nil }
    public var isFinished: Bool { current == nil }

    /// "Lesson 2, step 3 of 9": shown above each step's explanation.
    public var header: String { "Lesson \(lesson.number), step \(position + 1) of \(lesson.steps.count)" }

    /// Runs the learner's version of the current step and moves on. On an error the walk stays at
    /// this step (the learner can fix the input and try again) and the error is rethrown.
    @discardableResult
    public func run(_ code: String, in session: Session) throws -> String {
        let output = code.allSatisfy(\.isWhitespace) ? "" : try session.execute(code, name: "lesson \(lesson.number) step \(position + 1)")
        position += 1
        return output
    }

    /// Moves on without running the current step.
    public func skip() { position += 1 }
}
