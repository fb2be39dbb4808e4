using System.ComponentModel.DataAnnotations;

namespace Orchestration.Adapters.Google;

/// <summary>Settings of the Google credential (section <c>Google:Credentials</c>).</summary>
/// <remarks>Validated at start, so a missing setting of the chosen mode fails with its key's name.</remarks>
public sealed class GoogleCredentialOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Google:Credentials";

    /// <summary>The OAuth scope that covers Cloud Run Admin and Cloud Storage.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    /// <summary>How to authenticate.</summary>
    public GoogleCredentialMode Mode { get; set; } = GoogleCredentialMode.ApplicationDefault;

    /// <summary>Service-account key JSON (mode <see cref="GoogleCredentialMode.ServiceAccountJson"/>).</summary>
    /// <remarks>A secret: keep it in Key Vault / user secrets; it is never logged.</remarks>
    public string? ServiceAccountJson { get; set; }

    /// <summary>
    /// Workload identity provider audience:
    /// <c>//iam.googleapis.com/projects/NUM/locations/global/workloadIdentityPools/POOL/providers/PROV</c>.
    /// </summary>
    public string? WorkloadIdentityAudience { get; set; }

    /// <summary>Service account to impersonate after the token exchange (email); empty = use the federated token directly.</summary>
    public string? ServiceAccountEmail { get; set; }

    /// <summary>Security token service URL.</summary>
    [Required]
    public string TokenUrl { get; set; } = "https://sts.googleapis.com/v1/token";

    /// <summary>IAM credentials base URL used to build the impersonation URL.</summary>
    [Required]
    public string IamCredentialsUrl { get; set; } = "https://iamcredentials.googleapis.com";

    /// <summary>Entra application ID URI the Azure managed identity token is requested for (e.g. <c>api://app-id</c>).</summary>
    public string? AzureResource { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Mode == GoogleCredentialMode.ServiceAccountJson && string.IsNullOrWhiteSpace(ServiceAccountJson))
        {
            yield return new ValidationResult($"{Section}:{nameof(ServiceAccountJson)} is required in mode {Mode}.", [nameof(ServiceAccountJson)]);
        }

        if (Mode == GoogleCredentialMode.WorkloadIdentityFederation)
        {
            if (string.IsNullOrWhiteSpace(WorkloadIdentityAudience))
            {
                yield return new ValidationResult($"{Section}:{nameof(WorkloadIdentityAudience)} is required in mode {Mode}.", [nameof(WorkloadIdentityAudience)]);
            }

            if (string.IsNullOrWhiteSpace(AzureResource))
            {
                yield return new ValidationResult($"{Section}:{nameof(AzureResource)} is required in mode {Mode}.", [nameof(AzureResource)]);
            }
        }
    }
}
