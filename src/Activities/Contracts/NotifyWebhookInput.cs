namespace Orchestration.Activities.Contracts;

/// <summary>Post the batch's completion notice.</summary>
/// <param name="Summary">The batch summary (the body carries it and links).</param>
public sealed record NotifyWebhookInput(BatchSummary Summary);
