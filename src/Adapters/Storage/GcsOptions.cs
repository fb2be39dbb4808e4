using System.ComponentModel.DataAnnotations;

namespace Orchestration.Adapters.Storage;

/// <summary>Settings of the Cloud Storage adapter (section <c>Google:Storage</c>).</summary>
public sealed class GcsOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Google:Storage";

    /// <summary>Bucket name.</summary>
    [Required]
    public string Bucket { get; set; } = string.Empty;

    /// <summary>JSON API root URL, without <c>/storage/v1</c> (a loopback fake in tests).</summary>
    [Required]
    public Uri BaseUrl { get; set; } = new("https://storage.googleapis.com");

    /// <summary>Chunk size of uploads (every upload is a resumable session); a multiple of 256 KiB as GCS requires.</summary>
    /// <remarks>An object up to this size goes in one PUT; the library holds one chunk in memory for non-seekable streams.</remarks>
    [Range(256 * 1024, 512 * 1024 * 1024)]
    public int ResumableChunkBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Page size of listings when the caller gives none (GCS caps pages at 1,000).</summary>
    [Range(1, 1000)]
    public int ListPageSize { get; set; } = 1000;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ResumableChunkBytes % (256 * 1024) != 0)
        {
            yield return new ValidationResult(
                $"{Section}:{nameof(ResumableChunkBytes)} must be a multiple of 262144 (256 KiB).", [nameof(ResumableChunkBytes)]);
        }
    }
}
