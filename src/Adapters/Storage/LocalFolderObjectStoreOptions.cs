using System.ComponentModel.DataAnnotations;

namespace Orchestration.Adapters.Storage;

/// <summary>Settings of the local folder object store (section <c>ObjectStore:Local</c>).</summary>
public sealed class LocalFolderObjectStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ObjectStore:Local";

    /// <summary>Root folder; object <c>a/b.txt</c> is the file <c>{Root}/a/b.txt</c>.</summary>
    [Required]
    public string Root { get; set; } = string.Empty;

    /// <summary>Page size of listings when the caller gives none.</summary>
    [Range(1, 100_000)]
    public int ListPageSize { get; set; } = 1000;
}
