
namespace Orchestration.Adapters.Google;

/// <summary>How the adapters authenticate to Google Cloud.</summary>
public enum GoogleCredentialMode
{
    /// <summary>Application default credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, metadata server).</summary>
    ApplicationDefault,

    /// <summary>A service-account key JSON given in <see cref="GoogleCredentialOptions.ServiceAccountJson"/>.</summary>
    ServiceAccountJson,

    /// <summary>Workload identity federation from an Azure managed identity token.</summary>
    WorkloadIdentityFederation,

    /// <summary>No Authorization header: for the loopback fakes only.</summary>
    None,
}
