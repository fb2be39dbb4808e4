using System.Text.Json;

namespace Orchestration.Domain;

/// <summary>
/// The one rule for how an enum value is named outside the process: camelCase of the member name, the same name
/// <see cref="BatchJson"/> writes. Stored rows, CSV columns, query strings, the attempt log and the schema all use it,
/// so "timedOut" is spelled one way everywhere.
/// </summary>
public static class WireNames
{
    /// <summary>The outside name of <paramref name="value"/> ("timedOut" for <c>TimedOut</c>).</summary>
    public static string Of<T>(T value)
        where T : struct, Enum => Of(value.ToString());

    /// <summary>The outside name of an enum member named <paramref name="memberName"/>.</summary>
    public static string Of(string memberName) => JsonNamingPolicy.CamelCase.ConvertName(memberName);
}
