namespace Orchestration.Workflows.Service;

/// <summary>A page of runs with each task's labels (batch labels included), indexed by task ordinal, for flat columns.</summary>
/// <param name="Page">The runs.</param>
/// <param name="TaskLabels">Each task's labels: the batch's labels, overridden by the task's own.</param>
public sealed record RunListing(RunViewPage Page, IReadOnlyList<IReadOnlyDictionary<string, string>> TaskLabels);
