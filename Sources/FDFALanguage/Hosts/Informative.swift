/// A host object with more to say than its one-line description: `info(x)` prints `information`
/// (a network's layers with shapes and parameter counts, a data set's classes, …).
protocol Informative: HostObject {
    var information: String { get }
}

extension Session {
    /// Shows what `info(x)` says about an object: its information (else its description), and for
    /// a table also the table as HTML, which Jupyter shows instead of the text.
    func inform(about object: HostObject) {
        let text = (object as? Informative)?.information ?? object.description
        guard let tabular = object as? Tabular else { return write(text + "\n") }
        display([CellOutput.plainText: text, CellOutput.html: tabular.table.html])
    }
}
