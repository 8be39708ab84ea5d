/// Variables of one level: the session's globals, or one call of a function.
///
/// Reading looks here, then in the enclosing scope (where the function was defined), up to the
/// globals. Assignment always writes here, so a function's assignments make local variables and
/// never change globals by surprise. `if`, `for` and `while` blocks do not open scopes.
public final class Scope {
    var variables: [String: Value] = [:]
    let parent: Scope?

    init(parent: Scope?) { self.parent = parent }

    func lookup(_ name: String) -> Value? {
        var scope: Scope? = self
        while let s = scope {
            if let value = s.variables[name] { return value }
            scope = s.parent
        }
        return nil
    }

    /// Removes a variable from whichever scope holds it; false if none does.
    func remove(_ name: String) -> Bool {
        var scope: Scope? = self
        while let s = scope {
            if s.variables.removeValue(forKey: name) != nil { return true }
            scope = s.parent
        }
        return false
    }

    /// Every visible name, for completion and "did you mean" hints.
    var visibleNames: Set<String> {
        var names = Set(variables.keys)
        if let parent { names.formUnion(parent.visibleNames) }
        return names
    }
}

extension Scope {
    /// Changes a variable in place, in whichever scope holds it (for `a[i] = x` and `a.f = x`:
    /// the element changes where the variable lives). Returns false if no scope has the name.
    func modify(_ name: String, _ body: (inout Value) throws -> Void) rethrows -> Bool {
        var scope: Scope? = self
        while let s = scope {
            if s.variables[name] != nil {
                try body(&s.variables[name]!)
                return true
            }
            scope = s.parent
        }
        return false
    }
}
