using Orchestration.Workflows.Service;

namespace Orchestration.Server;

/// <summary>One read of a batch's status by a progress view.</summary>
/// <param name="Status">The status document.</param>
/// <param name="Ended">Whether the batch has ended (over HTTP: a 200 answer; a 202 means it still runs).</param>
/// <param name="RetryAfter">How long the source asks to be left alone before the next read (HTTP <c>Retry-After</c>),
/// or null for the view's own pace.</param>
public sealed record BatchPoll(BatchStatusDocument Status, bool Ended, TimeSpan? RetryAfter);
