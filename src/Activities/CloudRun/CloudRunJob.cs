namespace Orchestration.Activities.CloudRun;

/// <summary>A Cloud Run job as the reaper and ensure need it.</summary>
/// <param name="Id">Job id (last segment of the name).</param>
/// <param name="Name">Full resource name <c>projects/P/locations/R/jobs/J</c>.</param>
/// <param name="Ready">True when the <c>Ready</c> terminal condition succeeded.</param>
/// <param name="Labels">Labels of the job.</param>
/// <param name="CreateTime">When the job was created.</param>
/// <param name="LastExecutionTime">Create time of its latest execution, if any (unused-for-N-days check).</param>
public sealed record CloudRunJob(
    string Id,
    string Name,
    bool Ready,
    IReadOnlyDictionary<string, string> Labels,
    DateTimeOffset? CreateTime,
    DateTimeOffset? LastExecutionTime);
