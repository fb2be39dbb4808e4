namespace Orchestration.Domain.Documents;

/// <summary>The container a task runs in.</summary>
public sealed record ProfileDocument
{
    /// <summary>The runner image.</summary>
    public string? Image { get; init; }

    /// <summary>Cloud Run vCPU: 1, 2, 4 or 8.</summary>
    public string? Cpu { get; init; }

    /// <summary>Cloud Run memory, such as <c>512Mi</c> or <c>2Gi</c>.</summary>
    public string? Memory { get; init; }

    /// <summary>Non-secret environment variables; secrets come from Secret Manager references.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }
}
