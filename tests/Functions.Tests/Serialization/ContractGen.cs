using System.Collections;
using System.Reflection;
using CsCheck;

namespace Orchestration.Functions.Tests.Serialization;

/// <summary>Generates values of the durable payload types by reflection: records through their widest constructor,
/// option-style classes through their settable properties, recursively, so a field added to a payload type is
/// generated (and checked) without touching the tests.</summary>
/// <remarks>Strings mix ASCII, escapes, controls and non-ASCII text; reference-typed members declared nullable
/// are sometimes null; <see cref="DateTime"/> values are UTC, as the orchestrations produce them.</remarks>
public static class ContractGen
{
    private static readonly NullabilityInfoContext Nullability = new();

    private static readonly Gen<string> Text = Gen.OneOf("a", "Z", "0", "-", "_", "/", ":", " ", "\"", "\\", "\n", "\t", "\u0001", "é", "漢", "😀", "<", "&", "+")
        .Array[0, 12].Select(parts => string.Concat(parts));

    // A generator of null (CsCheck's Const takes no null literal under nullable annotations).
    private static readonly Gen<object?> NullValue = Gen.Bool.Select(_ => (object?)null);

    public static Gen<object?> For(Type type) => For(type, depth: 0);

    private static Gen<object?> For(Type type, int depth)
    {
        if (depth > 8)
        {
            throw new InvalidOperationException($"Type graph deeper than expected at {type}.");
        }

        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Gen.Frequency((1, NullValue), (3, For(inner, depth + 1)));
        }

        if (type == typeof(string))
        {
            return Text.Select(s => (object?)s);
        }

        if (type == typeof(int))
        {
            // Counts, indexes and seconds: non-negative, and small enough that computed totals (checked sums
            // such as BatchPlan.TotalRuns) do not overflow; JSON carries any int the same way.
            return Gen.Int[0, 10_000_000].Select(i => (object?)i);
        }

        if (type == typeof(long))
        {
            return Gen.Long.Select(i => (object?)i);
        }

        if (type == typeof(bool))
        {
            return Gen.Bool.Select(b => (object?)b);
        }

        if (type == typeof(double))
        {
            return Gen.Double.Where(double.IsFinite).Select(d => (object?)d);
        }

        if (type == typeof(decimal))
        {
            return Gen.Decimal.Select(d => (object?)d);
        }

        if (type == typeof(DateTime))
        {
            return Gen.DateTime.Select(d => (object?)DateTime.SpecifyKind(d, DateTimeKind.Utc));
        }

        if (type == typeof(DateTimeOffset))
        {
            return Gen.DateTime.Select(d => (object?)new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)));
        }

        if (type == typeof(TimeSpan))
        {
            return Gen.TimeSpan.Select(t => (object?)t);
        }

        if (type.IsEnum)
        {
            return Gen.OneOf([.. Enum.GetValues(type).Cast<object?>()]);
        }

        if (ElementType(type) is { } element)
        {
            var items = For(element, depth + 1);
            return items.Array[0, 4].Select(values =>
            {
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
                foreach (var value in values)
                {
                    list.Add(value);
                }

                return (object?)list;
            });
        }

        if (type.IsClass && type.Namespace?.StartsWith("Orchestration.", StringComparison.Ordinal) == true)
        {
            return Composite(type, depth);
        }

        throw new NotSupportedException($"No generator for {type}: add one (a payload type gained a new kind of member).");
    }

    /// <summary>The element type of a list-like member (arrays, IReadOnlyList, IList, List).</summary>
    public static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() is var definition
          && (definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(List<>) || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>))
            ? type.GetGenericArguments()[0]
            : null;

    private static Gen<object?> Composite(Type type, int depth)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = constructor.GetParameters();
        var byConstructor = parameters.Select(p => p.Name!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // Settable (or init) properties the constructor does not take: option-style classes and extra record members.
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 && !byConstructor.Contains(p.Name))
            .ToList();

        var members = parameters.Select(p => Member(p.ParameterType, Nullability.Create(p).WriteState, depth))
            .Concat(properties.Select(p => Member(p.PropertyType, Nullability.Create(p).WriteState, depth)))
            .ToList();

        return Sequence(members).Select(values =>
        {
            var instance = constructor.Invoke([.. values.Take(parameters.Length)]);
            foreach (var (property, value) in properties.Zip(values.Skip(parameters.Length)))
            {
                property.SetValue(instance, value);
            }

            return (object?)instance;
        });
    }

    private static Gen<object?> Member(Type type, NullabilityState state, int depth)
    {
        var gen = For(type, depth + 1);
        return !type.IsValueType && state == NullabilityState.Nullable ? Gen.Frequency((1, NullValue), (3, gen)) : gen;
    }

    private static Gen<IReadOnlyList<object?>> Sequence(IReadOnlyList<Gen<object?>> gens) =>
        gens.Aggregate(
            Gen.Const<IReadOnlyList<object?>>([]),
            (acc, gen) => acc.SelectMany(values => gen.Select(value => (IReadOnlyList<object?>)[.. values, value])));
}
