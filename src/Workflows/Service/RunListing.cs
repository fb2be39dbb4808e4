using Orchestration.Activities.Stores;

namespace Orchestration.Workflows.Service;

/// <summary>A page of run rows with each task's labels (batch labels included), indexed by task ordinal, for flat columns.</summary>
/// <param name="Page">The rows.</param>
/// <param name="TaskLabels">Each task's labels: the batch's labels, overridden by the task's own.</param>
public sealed record RunListing(RunPage Page, IReadOnlyList<IReadOnlyDictionary<string, string>> TaskLabels);
