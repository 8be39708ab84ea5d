import FDFALanguage
import Foundation

/// `lesson N` at the interactive prompt: for each step, its explanation, then its code put on the
/// input line one line at a time (as if typed, so the learner can edit it; Enter accepts), then
/// the run and its output, then a pause. At the pause, Enter goes on, q leaves, and anything else
/// runs in the lesson (to look around). `lesson N step M` starts at step M, running the steps
/// before it quietly first. Ctrl-C or Ctrl-D at any prompt leaves the lesson.
///
/// A lesson runs in a session of its own, so that its `net = …` never replaces the learner's `net`;
/// what the lesson made goes when it ends.
struct LessonGuide {
    let session: Session
    let editor: LineEditor
    /// Prints an error the way the REPL does.
    let report: (Error) -> Void

    /// `lesson 3` or `lesson 3 step 4`: the lesson and the step to start at when `line` asks for a
    /// walk, else nil (`lesson` alone lists them through the built-in).
    static func requestedLesson(_ line: String) -> (number: Int, step: Int)? {
        let words = line.split(separator: " ")
        guard words.first == "lesson", let number = words.count > 1 ? Int(words[1]) : nil else { return nil }
        switch words.count {
        case 2: return (number, 1)
        case 4 where words[2] == "step": return Int(words[3]).map { (number, $0) }
        default: return nil
        }
    }

    func walk(_ number: Int, from first: Int = 1) {
        let walk: LessonWalk
        do {
            walk = LessonWalk(try LessonLibrary.lesson(number, among: LessonLibrary.load()))
        } catch {
            report(error)
            return
        }
        guard (1 ... walk.lesson.steps.count).contains(first) else {
            print("lesson \(number) has steps 1 to \(walk.lesson.steps.count)")
            return
        }
        let own = Session(registry: session.registry, output: session.output)
        print("Lesson \(number) runs in a session of its own: your variables stay as they are. A step's code")
        print("is typed for you a line at a time: edit it if you like, Enter runs the line. At a pause, Enter")
        print("goes on, q leaves, and anything else runs in the lesson. Ctrl-C leaves at any prompt.")
        if first > 1, !catchUp(walk, in: own, to: first) { return leave() }
        while let step = walk.current {
            print("\n── \(walk.header) ──")
            if !step.explanation.isEmpty { print(step.explanation) }
            if step.code.isEmpty {
                walk.skip()
            } else {
                guard let code = edit(step.code) else { return leave() }
                do {
                    try walk.run(code, in: own)
                } catch {
                    report(error) // the walk stays at this step: offer it again
                    continue
                }
            }
            guard !walk.isFinished else { break }
            guard pause(in: own) else { return leave() }
        }
        print("\nEnd of lesson \(number); lesson lists the others.")
    }

    /// Runs the steps before `first` without showing them, so the lesson's variables exist.
    private func catchUp(_ walk: LessonWalk, in own: Session, to first: Int) -> Bool {
        print("(running steps 1 to \(first - 1) quietly …)")
        let output = own.output
        own.output = { _ in }
        defer { own.output = output }
        while walk.position < first - 1 {
            do {
                try walk.run(walk.current!.code, in: own)
            } catch {
                own.output = output
                report(error)
                return false
            }
        }
        return true
    }

    /// Waits at the end of a step: true to go on, false to leave. Other input runs in the lesson.
    private func pause(in own: Session) -> Bool {
        while true {
            guard case .line(let answer) = editor.read(prompt: "[Enter: next step, q: leave, or a command] ") else { return false }
            switch answer.trimmingCharacters(in: .whitespaces) {
            case "": return true
            case "q": return false
            default:
                editor.remember(answer)
                do { try own.execute(answer) } catch { report(error) }
            }
        }
    }

    /// The step's code, line by line as the learner accepts or edits it; nil if they left.
    private func edit(_ code: String) -> String? {
        var lines: [String] = []
        for (i, line) in code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard case .line(let edited) = editor.read(prompt: i == 0 ? Repl.prompt : Repl.continuationPrompt, prefill: String(line)) else {
                return nil
            }
            lines.append(edited)
        }
        let cell = lines.joined(separator: "\n")
        editor.remember(cell)
        return cell
    }

    private func leave() {
        print("\nLeft the lesson; your variables are as they were.")
    }
}
