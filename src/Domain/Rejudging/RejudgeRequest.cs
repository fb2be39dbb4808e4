using System.Text.Json;

namespace Orchestration.Domain.Rejudging;

/// <summary>A rejudge as stored for its workflow: the request as sent, and the rules read from it.</summary>
/// <param name="Request">The body as sent (what the version reports as its rules).</param>
/// <param name="Tasks">The rules by task id.</param>
public sealed record RejudgeRequest(JsonElement Request, IReadOnlyDictionary<string, TaskRules> Tasks);
