using System.ComponentModel.DataAnnotations;

namespace Orchestration.Activities;

/// <summary>Settings the activities share: where objects go, how jobs are named and who they run as.</summary>
public sealed class RunSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orchestration:Runs";

    /// <summary>The bucket of inputs and runs (<c>gs://{Bucket}/...</c>); any name in local mode.</summary>
    [Required]
    [RegularExpression(@"^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$")]
    public string Bucket { get; set; } = "local";

    /// <summary>Prefix of this deployment's Cloud Run job names (<c>{prefix}-{hash12}</c>).</summary>
    [Required]
    [RegularExpression("^[a-z][a-z0-9-]{0,30}$")]
    public string JobPrefix { get; set; } = "orch";

    /// <summary>The service account command jobs run as (no access to the Anthropic secret).</summary>
    public string CommandServiceAccount { get; set; } = "";

    /// <summary>The service account Claude jobs run as.</summary>
    public string ClaudeServiceAccount { get; set; } = "";

    /// <summary>Secret env of Claude jobs: env name -> Secret Manager reference, <c>name:version</c> (e.g.
    /// ANTHROPIC_API_KEY -> anthropic-key:latest), <c>projects/P/secrets/NAME:version</c> or
    /// <c>projects/P/secrets/NAME/versions/VERSION</c> (checked at start by <see cref="RunSettingsValidator"/>).</summary>
    public Dictionary<string, string> ClaudeSecrets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Secret env of command jobs (e.g. a git token), in the forms of <see cref="ClaudeSecrets"/>; never the Anthropic key.</summary>
    public Dictionary<string, string> CommandSecrets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Most attempts one Cloud Run execution works (packed executions, a task per attempt); unset keeps the
    /// host's default (100 on Cloud Run; local runs never pack). Read at submit: a batch keeps the size it started with.</summary>
    [Range(1, 10_000)]
    public int? PackSize { get; set; }

    /// <summary>The folder <c>path</c> inputs must stay under; null refuses path inputs.</summary>
    public string? PathInputRoot { get; set; }

    /// <summary>Price of a vCPU-second, USD.</summary>
    [Range(0, 1)]
    public decimal VcpuSecondUsd { get; set; } = 0.000018m;

    /// <summary>Price of a GiB-second, USD.</summary>
    [Range(0, 1)]
    public decimal GibSecondUsd { get; set; } = 0.000002m;

    /// <summary>The prices as the aggregate, the dry run and the cost cap use them.</summary>
    public Domain.Aggregation.AggregationOptions Prices => new() { VcpuSecondUsd = VcpuSecondUsd, GibSecondUsd = GibSecondUsd };

    /// <summary>The <c>gs://</c> URI of an object name.</summary>
    /// <param name="name">The object name.</param>
    /// <returns><c>gs://{Bucket}/{name}</c>.</returns>
    public string Uri(string name) => $"gs://{Bucket}/{name}";
}
