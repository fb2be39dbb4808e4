using Orchestration.Api;

namespace Orchestration.Server.Remote;

/// <summary>The server's answer to a submission.</summary>
/// <param name="Links">The batch's links.</param>
/// <param name="Created">True when this submission stored the batch; false when it already existed.</param>
/// <param name="Status">The batch's status (pending for a new one).</param>
internal sealed record SubmitAnswer(Links Links, bool Created, string Status);
