namespace Orchestration.Activities.CloudRun;

/// <summary>A Secret Manager reference exposed to the container as an environment variable.</summary>
/// <param name="Secret">Secret id (<c>anthropic-api-key</c>) or full name (<c>projects/P/secrets/S</c>).</param>
/// <param name="Version">Version number, alias or <c>latest</c>.</param>
public sealed record CloudRunSecretRef(string Secret, string Version);
