/// The syntax tree the parser builds and the interpreter walks.
///
/// Nodes are classes so that a function body is shared, not copied, by every closure made from it,
/// and every node carries the location its errors will point at.

public enum UnaryOperator: String { case negate = "-", not }

public enum BinaryOperator: String {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%", power = "^", matmul = "@"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
}

/// `and` / `or`: separate from `BinaryOperator` because they evaluate their right side only if needed.
public enum LogicalOperator: String { case and, or }

/// One argument at a call site: `x` or `epochs=1`.
public struct CallArgument {
    public let label: String?
    public let value: Expr
}

/// One position inside `t[...]`: a single index `i`, or a slice `a:b` with optional ends.
public enum IndexComponent {
    case single(Expr)
    case slice(Expr?, Expr?)
}

/// `fn name(a, b=2) { ... }`, or the same without a name as an expression.
public final class FunctionDeclaration {
    public struct Parameter {
        public let name: String
        public let defaultValue: Expr?
    }

    public let name: String?
    public let parameters: [Parameter]
    public let body: [Stmt]
    public let location: SourceLocation

    init(name: String?, parameters: [Parameter], body: [Stmt], location: SourceLocation) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.location = location
    }
}

public final class Expr {
    public enum Kind {
        case literal(Value)
        case variable(String)
        case list([Expr])
        case record([(name: String, value: Expr)])
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        case logical(LogicalOperator, Expr, Expr)
        case range(Expr, Expr, inclusive: Bool)
        case call(Expr, [CallArgument])
        case index(Expr, [IndexComponent])
        case field(Expr, String)
        case function(FunctionDeclaration)
    }

    public let kind: Kind
    public let location: SourceLocation

    init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

public final class Stmt {
    public enum Kind {
        case expression(Expr)
        /// `target = value`, or `target op= value` when the operator is given. The target is a
        /// variable, field or index expression (the parser checks).
        case assign(Expr, BinaryOperator?, Expr)
        case ifElse(Expr, [Stmt], [Stmt])
        case whileLoop(Expr, [Stmt])
        case forLoop(String, Expr, [Stmt])
        case function(FunctionDeclaration)
        case returnValue(Expr?)
        case breakLoop
        case continueLoop
        /// `time { ... }`: runs the block and prints how long it took.
        case time([Stmt])
        /// `del x`, `del r.f`, `del r["f"]`, `del xs[i]`: removes a variable, a field or an element.
        case delete(Expr)
    }

    public let kind: Kind
    public let location: SourceLocation

    init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}
