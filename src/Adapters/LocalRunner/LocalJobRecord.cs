using Orchestration.Activities.CloudRun;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>A job as the local runner keeps it in <c>jobs/{id}.json</c>: references to secrets, never their values.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Name">Full name <c>projects/local/locations/local/jobs/{id}</c>.</param>
/// <param name="Environment">Plain env of the job.</param>
/// <param name="Secrets">Secret env references by variable name.</param>
/// <param name="Labels">Labels.</param>
/// <param name="Timeout">Default task timeout.</param>
/// <param name="CreateTime">When it was recorded.</param>
internal sealed record LocalJobRecord(
    string Id,
    string Name,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, CloudRunSecretRef> Secrets,
    IReadOnlyDictionary<string, string> Labels,
    TimeSpan Timeout,
    DateTimeOffset CreateTime);
