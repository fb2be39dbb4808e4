namespace Orchestration.Workflows;

/// <summary>The batch orchestration's input.</summary>
/// <param name="BatchId">The batch id (also the instance id).</param>
/// <param name="Settings">The settings the batch was submitted with.</param>
/// <param name="RerunVersion">0 for the batch's own run; else the results version a rerun of some of its runs makes
/// (its request is stored under that version).</param>
public sealed record BatchInput(string BatchId, WorkflowSettings Settings, int RerunVersion = 0);
