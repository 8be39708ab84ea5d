/// A function defined by `fn`: its declaration plus the scope it was defined in, so nested
/// functions see the variables around them (a closure).
public final class UserFunction {
    public let declaration: FunctionDeclaration
    let scope: Scope

    init(_ declaration: FunctionDeclaration, scope: Scope) {
        self.declaration = declaration
        self.scope = scope
    }

    public var name: String { declaration.name ?? "fn" }

    /// `name(a, b=…)`, as `help` shows it.
    public var signature: String {
        name + "(" + declaration.parameters.map { $0.defaultValue == nil ? $0.name : "\($0.name)=…" }.joined(separator: ", ") + ")"
    }
}
