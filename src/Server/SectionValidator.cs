using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace Orchestration.Server;

/// <summary>Validates options by their data annotations and names each failing setting as a user writes
/// it: <c>Section:Key</c> and its environment form <c>Section__Key</c>.</summary>
/// <remarks>The stock data-annotation validator names the class and member (<c>LocalRunnerOptions</c>,
/// <c>MaxParallelExecutions</c>), which a user cannot map to a setting without reading the source.</remarks>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="section">The configuration section the options bind from.</param>
public sealed class SectionValidator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>Marks the failures this validator writes, so a host can show them instead of the stock ones.</summary>
    public const string Marker = "Setting ";

    /// <inheritdoc />
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Validator reads the public properties of TOptions and their attributes, which DynamicallyAccessedMembers keeps.")]
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options, typeof(TOptions).Name, serviceProvider: null, items: null), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r =>
        {
            var members = r.MemberNames.Any() ? r.MemberNames : [""];
            var keys = string.Join(", ", members.Select(m => m.Length == 0 ? section : $"{section}:{m} ({section.Replace(":", "__", StringComparison.Ordinal)}__{m})"));
            return $"{Marker}{keys}: {r.ErrorMessage}";
        }));
    }
}
