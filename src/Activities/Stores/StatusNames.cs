using Orchestration.Domain;

namespace Orchestration.Activities.Stores;

/// <summary>How stores write a batch status: the lowercase name the status document also uses.</summary>
internal static class StatusNames
{
    public static string Of(BatchStatus status) => status.ToString().ToLowerInvariant();

    public static BatchStatus Parse(string text) => Enum.Parse<BatchStatus>(text, ignoreCase: true);
}
