/// An object of the host program (a dataset, a network, a batch) that scripts can hold and inspect.
///
/// The language never looks inside; it asks for a type name, the fields `x.name` may read, and a
/// one-line description for printing. Built-ins that know the concrete class cast it back. A
/// shortened `DatasetValue`:
///
///     final class DatasetValue: HostObject {
///         let dataset: Dataset
///         var typeName: String { "dataset" }
///         var fieldNames: [String] { ["classes", "name"] }
///         func field(_ name: String) -> Value? {
///             switch name {
///             case "classes": return .number(Double(dataset.classCount))
///             case "name": return .string(dataset.name)
///             default: return nil
///             }
///         }
///         var description: String { "dataset \(dataset.name), \(dataset.classCount) classes" }
///     }
///
/// A built-in parameter declared `.host("dataset")` accepts only objects with that type name.
public protocol HostObject: AnyObject, CustomStringConvertible {
    var typeName: String { get }
    /// The fields `field(_:)` answers, for completion, `fields(x)` and error messages.
    var fieldNames: [String] { get }
    /// The field's value, or nil when there is no such field.
    func field(_ name: String) -> Value?
}

/// A host object that a list of its kind prints as a table (`net.layers`): a title line, then one
/// row per object.
protocol TableRow: HostObject {
    static var columnTitles: String { get }
    var row: String { get }
}

/// A result its built-in has printed already (`train`'s history): the REPL does not echo the call's
/// result (a variable holding it still prints when named).
protocol Reported {}
