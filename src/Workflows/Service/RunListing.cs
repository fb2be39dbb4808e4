using Orchestration.Activities.Stores;

namespace Orchestration.Workflows.Service;

/// <summary>A page of run rows with the batch's task labels, indexed by task ordinal, for flat columns.</summary>
/// <param name="Page">The rows.</param>
/// <param name="TaskLabels">Each task's labels.</param>
public sealed record RunListing(RunPage Page, IReadOnlyList<IReadOnlyDictionary<string, string>> TaskLabels);
