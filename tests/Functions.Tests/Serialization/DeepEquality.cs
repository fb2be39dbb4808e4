using System.Collections;
using System.Reflection;

namespace Orchestration.Functions.Tests.Serialization;

/// <summary>Compares two object graphs member by member (records, lists, leaves), independently of any serializer,
/// so a member a converter drops or alters shows up with its path.</summary>
public static class DeepEquality
{
    /// <summary>The first difference, as a path and the two values; null when the graphs are equal.</summary>
    public static string? FirstDifference(object? expected, object? actual, string path = "$")
    {
        if (expected is null || actual is null)
        {
            return expected is null && actual is null ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
        }

        var type = expected.GetType();
        if (type != actual.GetType() && !(expected is IEnumerable && actual is IEnumerable && expected is not string))
        {
            return $"{path}: expected a {type.Name}, got a {actual.GetType().Name}";
        }

        switch (expected)
        {
            case DateTime e:
                var a = (DateTime)actual;
                return e.Ticks == a.Ticks && e.Kind == a.Kind ? null : $"{path}: expected {e:O} ({e.Kind}), got {a:O} ({a.Kind})";
            case double e:
                return BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits((double)actual) ? null : $"{path}: expected {e:R}, got {(double)actual:R}";
            case string or bool or int or long or decimal or TimeSpan or DateTimeOffset or Enum:
                return expected.Equals(actual) ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
            case IEnumerable e:
                var left = e.Cast<object?>().ToList();
                var right = ((IEnumerable)actual).Cast<object?>().ToList();
                if (left.Count != right.Count)
                {
                    return $"{path}: expected {left.Count} items, got {right.Count}";
                }

                return left.Zip(right).Select((pair, i) => FirstDifference(pair.First, pair.Second, $"{path}[{i}]")).FirstOrDefault(d => d is not null);
        }

        if (type.IsPrimitive || type.IsValueType)
        {
            return expected.Equals(actual) ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
        }

        // Every readable property, computed ones included (a computed value that changes betrays a dropped input).
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true } && p.Name != "EqualityContract")
            .Select(p => FirstDifference(p.GetValue(expected), p.GetValue(actual), $"{path}.{p.Name}"))
            .FirstOrDefault(d => d is not null);
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "?",
    };
}
