import FDFALanguage
import Foundation

/// `lesson N` at the interactive prompt: for each step, its explanation, then its code put on the
/// input line one line at a time (as if typed, so the learner can edit it; Enter accepts), then
/// the run and its output, then a pause. Ctrl-C or Ctrl-D at any prompt leaves the lesson; the
/// variables the learner made stay in the session for free exploration.
struct LessonGuide {
    let session: Session
    let editor: LineEditor
    /// Prints an error the way the REPL does.
    let report: (Error) -> Void

    /// `lesson 3`: the lesson number when `line` asks for a walk, else nil (`lesson` alone lists
    /// them through the built-in).
    static func requestedLesson(_ line: String) -> Int? {
        let words = line.split(separator: " ")
        guard words.count == 2, words[0] == "lesson" else { return nil }
        return Int(words[1])
    }

    func walk(_ number: Int) {
        let walk: LessonWalk
        do {
            walk = LessonWalk(try LessonLibrary.lesson(number, among: LessonLibrary.load()))
        } catch {
            report(error)
            return
        }
        while let step = walk.current {
            print("\n── \(walk.header) ──")
            if !step.explanation.isEmpty { print(step.explanation) }
            if step.code.isEmpty {
                walk.skip()
            } else {
                guard let code = edit(step.code) else { return leave() }
                do {
                    try walk.run(code, in: session)
                } catch {
                    report(error) // the walk stays at this step: offer it again
                    continue
                }
            }
            guard !walk.isFinished else { break }
            guard case .line(let answer) = editor.read(prompt: "[Enter: next step, q: leave] "), answer != "q" else { return leave() }
        }
        print("\nEnd of lesson \(number). Your variables stay; lesson lists the others.")
    }

    /// The step's code, line by line as the learner accepts or edits it; nil if they left.
    private func edit(_ code: String) -> String? {
        var lines: [String] = []
        for (i, line) in code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard case .line(let edited) = editor.read(prompt: i == 0 ? Repl.prompt : Repl.continuationPrompt, prefill: String(line)) else {
                return nil
            }
            editor.remember(edited)
            lines.append(edited)
        }
        return lines.joined(separator: "\n")
    }

    private func leave() {
        print("\nLeft the lesson; your variables stay.")
    }
}
