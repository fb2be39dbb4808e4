using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Orchestration.Domain.Validation;

/// <summary>A <see cref="TimeSpan"/> between two bounds, inclusive: <c>[Range(typeof(TimeSpan), min, max)]</c> without
/// the type converter lookup that makes that constructor unsafe to trim; the same check and the same message.</summary>
/// <param name="minimum">The lower bound, in the invariant <c>c</c> form (<c>00:00:01</c>).</param>
/// <param name="maximum">The upper bound, likewise.</param>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum)
    : ValidationAttribute(() => "The field {0} must be between {1} and {2}.")
{
    /// <summary>The lower bound.</summary>
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    /// <summary>The upper bound.</summary>
    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override bool IsValid(object? value) => value switch
    {
        // As [Range]: no value is valid ([Required] says otherwise).
        null => true,
        TimeSpan time => time >= Minimum && time <= Maximum,
        _ => false,
    };

    /// <inheritdoc />
    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
