namespace Orchestration.Domain.Planning;

/// <summary>Who a Cloud Run job runs as and which secrets it mounts, per task kind (from settings).</summary>
/// <param name="ServiceAccount">The runtime service account's email.</param>
/// <param name="SecretEnv">Env name -> Secret Manager reference (<c>projects/p/secrets/s:version</c>), sorted.</param>
public sealed record JobIdentity(string ServiceAccount, IReadOnlyDictionary<string, string> SecretEnv);
