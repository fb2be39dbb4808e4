namespace Orchestration.Workflows.Service;

/// <summary>A Cloud Run job a planned batch would use (one per job key, shared across batches).</summary>
/// <param name="Name">The job name.</param>
/// <param name="Kind"><c>command</c> or <c>claude</c>.</param>
/// <param name="Image">The runner image.</param>
/// <param name="Cpu">vCPU.</param>
/// <param name="Memory">Memory.</param>
/// <param name="Tasks">Ids of the tasks that run on it.</param>
/// <param name="Exists">True when the job exists already, false when a real submit would create it, null when the
/// host could not tell cheaply.</param>
public sealed record DryRunJob(string Name, string Kind, string Image, string Cpu, string Memory, IReadOnlyList<string> Tasks, bool? Exists);
