import FDFATraining
import Foundation

/// What a statement tells the block around it: carry on, or leave a loop or a function.
enum Flow {
    case normal, breakLoop, continueLoop
    case returned(Value)
}

/// Walks the syntax tree: `execute` runs statements, `evaluate` computes expressions.
///
/// Runtime errors are thrown as `LanguageError`; the innermost node that sees an error without a
/// location stamps its own, so messages point at the operator, call or name that failed.
final class Interpreter {
    /// Deeper recursion than this is an error (the evaluator runs on a thread with a large stack,
    /// so the limit, not the stack, is what stops runaway recursion).
    static let maximumCallDepth = 1000

    unowned let session: Session
    let globals = Scope(parent: nil)
    private var callDepth = 0

    init(session: Session) { self.session = session }

    /// Runs a top-level program; each expression statement's value (unless none) is printed, as
    /// in a notebook. A built-in named alone whose parameters are all optional runs, as a command
    /// without arguments would (`help`).
    func run(_ program: [Stmt]) throws {
        callDepth = 0
        for statement in program {
            try checkInterrupt()
            if case .expression(let expr) = statement.kind {
                var value = try evaluate(expr, in: globals)
                if case .variable = expr.kind, case .builtin(let builtin) = value, builtin.parameters.allSatisfy({ $0.defaultValue != nil }) {
                    value = try call(value, [], at: expr.location)
                }
                if value.isNone { continue }
                if case .call = expr.kind, case .host(let object) = value, object is Reported { continue }
                session.show(value)
                continue
            }
            if let word = try execute(statement, in: globals).outsideWord {
                throw LanguageError.runtime("'\(word)' outside \(word == "return" ? "a function" : "a loop")", at: statement.location)
            }
        }
    }

    private func checkInterrupt() throws { try LanguageError.throwIfInterrupted() }

    // MARK: Statements

    func execute(_ block: [Stmt], in scope: Scope) throws -> Flow {
        try checkInterrupt()
        for statement in block {
            let flow = try execute(statement, in: scope)
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    func execute(_ statement: Stmt, in scope: Scope) throws -> Flow {
        do {
            return try executeUnlocated(statement, in: scope)
        } catch var error as LanguageError where error.location == nil && error.kind == .runtime {
            error.location = statement.location
            throw error
        }
    }

    private func executeUnlocated(_ statement: Stmt, in scope: Scope) throws -> Flow {
        try checkInterrupt()
        switch statement.kind {
        case .expression(let expr):
            _ = try evaluate(expr, in: scope)
        case .assign(let target, let op, let valueExpr):
            let value: Value
            do {
                value = try evaluate(valueExpr, in: scope)
            } catch let error as LanguageError where error.partialValue != nil && op == nil {
                // An interrupted `h = train(...)`: h gets the steps taken, then the cell stops.
                if case .variable(let name) = target.kind { scope.variables[name] = error.partialValue }
                throw error
            }
            guard case .variable(let name) = target.kind else {
                try modify(target, in: scope) { old in old = try op.map { try Operators.binary($0, old, value) } ?? value }
                break
            }
            // Plain names take the fast path: one dictionary write, no in-place machinery.
            scope.variables[name] = try op.map { try Operators.binary($0, try evaluate(target, in: scope), value) } ?? value
        case .ifElse(let condition, let then, let otherwise):
            return try execute(try evaluate(condition, in: scope).isTruthy() ? then : otherwise, in: scope)
        case .whileLoop(let condition, let body):
            while try evaluate(condition, in: scope).isTruthy() {
                let flow = try execute(body, in: scope)
                if case .breakLoop = flow { break }
                if case .returned = flow { return flow }
            }
        case .forLoop(let name, let sequenceExpr, let body):
            var result = Flow.normal
            try Iteration.forEach(try evaluate(sequenceExpr, in: scope)) { element in
                scope.variables[name] = element
                let flow = try execute(body, in: scope)
                switch flow {
                case .normal, .continueLoop: return true
                case .breakLoop: return false
                case .returned:
                    result = flow
                    return false
                }
            }
            return result
        case .function(let declaration):
            scope.variables[declaration.name!] = .function(UserFunction(declaration, scope: scope))
        case .returnValue(let expr):
            return .returned(try expr.map { try evaluate($0, in: scope) } ?? .none)
        case .breakLoop:
            return .breakLoop
        case .continueLoop:
            return .continueLoop
        case .time(let body):
            let start = DispatchTime.now().uptimeNanoseconds
            let flow = try execute(body, in: scope)
            session.write(Timing.line(seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9) + "\n")
            return flow
        case .delete(let target):
            try delete(target, in: scope)
        }
        return .normal
    }

    /// Changes the variable, field or element `target` in place: `a = …`, `a.f = …`, `a[i] += …`.
    /// An error of this step (an unknown variable, a field of what is no record) points at `target`;
    /// one of `change` is left for the statement to locate.
    private func modify(_ target: Expr, in scope: Scope, _ change: (inout Value) throws -> Void) throws {
        var changeFailed = false
        func body(_ value: inout Value) throws {
            do { try change(&value) } catch { changeFailed = true; throw error }
        }
        do {
            switch target.kind {
            case .variable(let name):
                guard try scope.modify(name, body) else { throw unknownVariable(name, in: scope) }
            case .field(let base, let name):
                try modify(base, in: scope) { try $0.modifyField(name, body) }
            case .index(let base, let components):
                let indices = try components.map { try evaluate($0, in: scope) }
                try modify(base, in: scope) { try Indexing.modify(&$0, indices, body) }
            default:
                throw LanguageError.runtime("cannot assign to this expression")
            }
        } catch var error as LanguageError where !changeFailed && error.location == nil && error.kind == .runtime {
            error.location = target.location
            throw error
        }
    }

    /// `del target`: the variable leaves its scope; a field leaves its record; an element its list.
    /// Errors point at the target (a missing field: at its dot, as reading it would).
    private func delete(_ target: Expr, in scope: Scope) throws {
        do {
            switch target.kind {
            case .variable(let name):
                guard scope.remove(name) else { throw unknownVariable(name, in: scope) }
            case .field(let base, let name):
                try modify(base, in: scope) { try Interpreter.removeField(name, from: &$0) { Value.record($0).missingField(name) } }
            case .index(let base, let components):
                let indices = try components.map { try evaluate($0, in: scope) }
                try modify(base, in: scope) { container in
                    switch (container, indices.first) {
                    case (.record, .key(let name)?) where indices.count == 1:
                        try Interpreter.removeField(name, from: &container) { Indexing.missingKey(name, in: $0) }
                    case (.list(var items), .single(let i)?) where indices.count == 1:
                        let position = try Indexing.position(i, count: items.count)
                        container = .none
                        items.remove(at: position)
                        container = .list(items)
                    default:
                        throw LanguageError.runtime("del removes one element of a list (del xs[0]) or a record's field (del r[\"f\"])")
                    }
                }
            default:
                throw LanguageError.runtime("del removes a variable, a field or an element")
            }
        } catch var error as LanguageError where error.location == nil && error.kind == .runtime {
            error.location = target.location
            throw error
        }
    }

    private static func removeField(_ name: String, from value: inout Value, missing: (Record) -> LanguageError) throws {
        guard case .record(var record) = value else { throw LanguageError.runtime("only records have fields to delete, not \(withArticle(value.typeName))") }
        guard record[name] != nil else { throw missing(record) }
        value = .none
        record[name] = nil
        value = .record(record)
    }

    // MARK: Expressions

    func evaluate(_ expr: Expr, in scope: Scope) throws -> Value {
        do {
            return try evaluateUnlocated(expr, in: scope)
        } catch var error as LanguageError where error.location == nil && error.kind == .runtime {
            error.location = expr.location
            throw error
        }
    }

    private func evaluateUnlocated(_ expr: Expr, in scope: Scope) throws -> Value {
        switch expr.kind {
        case .literal(let value):
            return value
        case .variable(let name):
            if let value = scope.lookup(name) { return value }
            if let builtin = session.registry.builtin(named: name) { return .builtin(builtin) }
            throw unknownVariable(name, in: scope)
        case .binary(let op, let left, let right):
            return try Operators.binary(op, try evaluate(left, in: scope), try evaluate(right, in: scope))
        case .unary(let op, let operand):
            return try Operators.unary(op, try evaluate(operand, in: scope))
        case .logical(let op, let left, let right):
            let first = try evaluate(left, in: scope)
            if try first.isTruthy() == (op == .or) { return first }
            return try evaluate(right, in: scope)
        case .list(let items):
            return .list(try items.map { try evaluate($0, in: scope) })
        case .record(let fields):
            return .record(Record(try fields.map { ($0.name, try evaluate($0.value, in: scope)) }))
        case .range(let lower, let upper, let inclusive):
            let start = try Indexing.integer(try evaluate(lower, in: scope), "range start")
            let end = try Indexing.integer(try evaluate(upper, in: scope), "range end")
            return .range(RangeValue(start: start, end: inclusive ? end + 1 : end, step: 1))
        case .call(let calleeExpr, let argumentExprs):
            let callee = try evaluate(calleeExpr, in: scope)
            let arguments = try argumentExprs.map { (label: $0.label, value: try evaluate($0.value, in: scope)) }
            return try call(callee, arguments, at: expr.location)
        case .index(let base, let components):
            let container = try evaluate(base, in: scope)
            return try Indexing.get(container, try components.map { try evaluate($0, in: scope) })
        case .field(let base, let name):
            return try evaluate(base, in: scope).field(name)
        case .function(let declaration):
            return .function(UserFunction(declaration, scope: scope))
        }
    }

    private func evaluate(_ component: IndexComponent, in scope: Scope) throws -> Indexing.Component {
        switch component {
        case .single(let expr):
            let value = try evaluate(expr, in: scope)
            if case .string(let name) = value { return .key(name) }
            return .single(try Indexing.integer(value, "index"))
        case .slice(let start, let end):
            let bound = { (expr: Expr?) in try expr.map { try Indexing.integer(try self.evaluate($0, in: scope), "slice bound") } }
            return .slice(try bound(start), try bound(end))
        }
    }

    private func unknownVariable(_ name: String, in scope: Scope) -> LanguageError {
        let known = scope.visibleNames.union(session.registry.names)
        return LanguageError.runtime("unknown variable '\(name)'" + Suggestion.hint(for: name, among: known))
    }

    // MARK: Calls

    func call(_ callee: Value, _ arguments: [(label: String?, value: Value)], at location: SourceLocation) throws -> Value {
        switch callee {
        case .builtin(let builtin):
            do {
                return try builtin.call(arguments, session: session)
            } catch var error as LanguageError where error.location == nil && error.kind == .runtime {
                error.message = "\(builtin.name): \(error.message)"
                throw error
            }
        case .function(let function):
            return try call(function, arguments, at: location)
        default:
            throw LanguageError.runtime("\(withArticle(callee.typeName)) is not a function and cannot be called")
        }
    }

    private func call(_ function: UserFunction, _ arguments: [(label: String?, value: Value)], at location: SourceLocation) throws -> Value {
        guard callDepth < Interpreter.maximumCallDepth else {
            throw LanguageError.runtime("recursion too deep: more than \(Interpreter.maximumCallDepth) nested calls (a missing base case?)")
        }
        // Counted before the defaults are evaluated: a default may call the function itself.
        callDepth += 1
        defer { callDepth -= 1 }
        let parameters = function.declaration.parameters
        let slots = try ArgumentMatching.match(arguments, to: parameters.map(\.name), callee: function.name).slots
        let scope = Scope(parent: function.scope)
        for (parameter, slot) in zip(parameters, slots) {
            if let value = slot {
                scope.variables[parameter.name] = value
            } else if let defaultValue = parameter.defaultValue {
                scope.variables[parameter.name] = try evaluate(defaultValue, in: function.scope)
            } else {
                throw LanguageError.runtime("\(function.name)() is missing the argument '\(parameter.name)'")
            }
        }
        do {
            let flow = try execute(function.declaration.body, in: scope)
            if case .returned(let value) = flow { return value }
            if let word = flow.outsideWord { throw LanguageError.runtime("'\(word)' outside a loop") }
            return .none
        } catch var error as LanguageError where error.kind == .runtime && error.location != nil {
            // A few call sites, each once: a runaway recursion shows its loop and where it began.
            let note = "  called from \(location)"
            if error.notes.count < 4, !error.notes.contains(note) { error.notes.append(note) }
            throw error
        }
    }
}

extension Flow {
    /// The keyword that escaped to a place it cannot act on, or nil for normal completion.
    var outsideWord: String? {
        switch self {
        case .normal: return nil
        case .breakLoop: return "break"
        case .continueLoop: return "continue"
        case .returned: return "return"
        }
    }
}
