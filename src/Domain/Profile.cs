namespace Orchestration.Domain;

/// <summary>A normalised container profile.</summary>
/// <param name="Image">The runner image.</param>
/// <param name="Cpu">Cloud Run vCPU ("1", "2", "4" or "8").</param>
/// <param name="Memory">Cloud Run memory ("512Mi", "2Gi", ...).</param>
/// <param name="Env">Non-secret environment, sorted by name.</param>
public sealed record Profile(string Image, string Cpu, string Memory, IReadOnlyDictionary<string, string> Env);
