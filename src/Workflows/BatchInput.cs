namespace Orchestration.Workflows;

/// <summary>The batch orchestration's input.</summary>
/// <param name="BatchId">The batch id (also the instance id).</param>
/// <param name="Settings">The settings the batch was submitted with.</param>
public sealed record BatchInput(string BatchId, WorkflowSettings Settings);
