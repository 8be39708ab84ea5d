import FDFALanguage
import FDFATraining
import Foundation

extension Kernel {
    /// Runs an execute request's code in the session and returns the reply's content.
    ///
    /// Outputs go to iopub as they happen (a long `train` shows each epoch's line when it is
    /// printed). The last value the cell shows becomes its execute_result; an error becomes an
    /// `error` output and an error reply with the text the REPL prints, and the session keeps the
    /// state the statements before it left.
    func execute(_ request: Message) -> JSON {
        let code = request.content["code"] as? String ?? ""
        let silent = request.content["silent"] as? Bool ?? false
        let storeHistory = !silent && (request.content["store_history"] as? Bool ?? true)
        if storeHistory { executionCount += 1 }
        let count = executionCount
        if !silent { publish("execute_input", ["code": code, "execution_count": count], parent: request) }

        let outputs = CellOutputs(kernel: self, request: request, silent: silent)
        session.output = { outputs.stream("stdout", $0) }
        session.errorOutput = { outputs.stream("stderr", $0) }
        session.displayOutput = { outputs.display($0) }
        session.valueOutput = { outputs.value($0) }
        session.progressBar = { ProgressBar(draw: { outputs.progress($0) }) }
        session.pagerOutput = { outputs.page($0) }
        var failure: Error?
        do {
            try session.execute(code, name: "<cell \(count)>")
        } catch {
            failure = error
        }
        if failure != nil { outputs.printPaged() } // an error reply has no payload: help asked for is printed
        outputs.finish(executionCount: count)
        if storeHistory { history.append(code, output: outputs.text) }

        guard let failure else {
            return ["status": "ok", "execution_count": count, "payload": outputs.payload, "user_expressions": JSON()]
        }
        let error = ErrorOutput(failure)
        if !silent { publish("error", error.content, parent: request) }
        return error.content.merging(["status": "error", "execution_count": count]) { $1 }
    }
}

/// Routes one cell's outputs to iopub. A value waits until the cell ends (then it is the
/// execute_result) or until something else is shown after it (then it goes out first, as
/// display_data), so outputs arrive in the order the cell made them. Printed text is gathered
/// into one stream message per `streamInterval` (a loop printing 10,000 lines sends a few dozen
/// messages, not 10,000, which a notebook renders slowly); it goes out before anything else
/// shown after it and at the end of the cell. The interpreter's thread calls it while the cell
/// runs, a timer flushes the text, and the shell's thread, which waits for the cell, calls `finish`.
final class CellOutputs {
    /// The longest printed text waits before it is sent.
    static let streamInterval = DispatchTimeInterval.milliseconds(50)

    private unowned let kernel: Kernel
    private let request: Message
    private let silent: Bool
    /// Serialises the interpreter's calls with the timer's flushes, so messages keep their order.
    private let lock = NSLock()
    private var pending: Value?
    /// Printed text not yet sent: the stream's name ("stdout", "stderr") and its text.
    private var unsent: (name: String, text: String)?
    private let progressID = UUID().uuidString.lowercased()
    private var progressShown = false
    /// Everything the cell showed as text, for history's output.
    private(set) var text = ""
    private var paged = ""

    init(kernel: Kernel, request: Message, silent: Bool) {
        self.kernel = kernel
        self.request = request
        self.silent = silent
    }

    func stream(_ name: String, _ chunk: String) {
        locked {
            text += chunk
            if let unsent, unsent.name == name {
                self.unsent = (name, unsent.text + chunk)
                return
            }
            sendEarlier()
            unsent = (name, chunk)
            DispatchQueue.global().asyncAfter(deadline: .now() + CellOutputs.streamInterval) { [weak self] in
                self?.locked { self?.sendText() }
            }
        }
    }

    func value(_ value: Value) {
        locked {
            sendEarlier()
            text += Display.repr(value) + "\n"
            pending = value
        }
    }

    func display(_ data: [String: String]) {
        locked {
            sendEarlier()
            text += data["text/plain"] ?? ""
            publish("display_data", ["data": RichDisplay.bundle(data), "metadata": JSON(), "transient": JSON()])
        }
    }

    /// Training progress: one display for the whole cell, created by the first update and then
    /// updated in place, not a line per update.
    func progress(_ line: String) {
        locked {
            sendEarlier()
            let content: JSON = ["data": ["text/plain": line], "metadata": JSON(), "transient": ["display_id": progressID]]
            publish(progressShown ? "update_display_data" : "display_data", content)
            progressShown = true
        }
    }

    /// Help text: Jupyter shows it in its pager (the execute reply's payload), as IPython does for
    /// `?`, apart from the cell's outputs.
    func page(_ text: String) {
        locked {
            sendEarlier()
            paged += text
        }
    }

    /// The execute reply's payload: the pager's text, if help was asked for.
    var payload: [JSON] {
        locked { paged.isEmpty ? [] : [["source": "page", "data": [CellOutput.plainText: paged], "start": 0]] }
    }

    /// Prints the pager's text instead, for a reply that cannot carry it.
    func printPaged() {
        locked {
            guard !paged.isEmpty else { return }
            sendEarlier()
            text += paged
            publish("stream", ["name": "stdout", "text": paged])
            paged = ""
        }
    }

    /// Sends what the cell printed last and its last value, if it has one, as the execute_result.
    func finish(executionCount: Int) {
        locked {
            sendText()
            guard let value = pending else { return }
            pending = nil
            publish("execute_result", ["execution_count": executionCount, "data": RichDisplay.bundle(value), "metadata": JSON()])
        }
    }

    /// Sends what was shown before the output about to go out: unsent text, or a value that is
    /// not the cell's last (at most one of them waits).
    private func sendEarlier() {
        sendText()
        guard let value = pending else { return }
        pending = nil
        publish("display_data", ["data": RichDisplay.bundle(value), "metadata": JSON(), "transient": JSON()])
    }

    private func sendText() {
        guard let unsent else { return }
        self.unsent = nil
        publish("stream", ["name": unsent.name, "text": unsent.text])
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    private func publish(_ type: String, _ content: JSON) {
        if !silent { kernel.publish(type, content, parent: request) }
    }
}

/// An error as Jupyter shows it: a name, the message, and the lines the REPL prints (place, source
/// line, caret).
struct ErrorOutput {
    let content: JSON

    init(_ error: Error) {
        guard let error = error as? LanguageError else {
            content = ["ename": "Error", "evalue": "\(error)", "traceback": ["\(error)"]]
            return
        }
        let name: String
        switch error.kind {
        case .syntax: name = "SyntaxError"
        case .runtime: name = "Error"
        case .interrupted: name = "Interrupted"
        }
        content = ["ename": name, "evalue": error.message, "traceback": error.description.components(separatedBy: "\n")]
    }
}
