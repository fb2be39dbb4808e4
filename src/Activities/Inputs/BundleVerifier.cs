using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Orchestration.Domain.Validation;

namespace Orchestration.Activities.Inputs;

/// <summary>Checks an uploaded bundle before it is stored: the SHA-256 of its uncompressed tar must be
/// its name, and no entry may be a link, a device, or a path that escapes the input folder.</summary>
/// <remarks>The runner refuses such entries too; refusing them at upload tells the user at once.</remarks>
public static class BundleVerifier
{
    /// <summary>Verifies a tar.gz file.</summary>
    /// <param name="gzipPath">The uploaded file.</param>
    /// <param name="expectedSha256">The name it was uploaded under.</param>
    /// <param name="maxTarBytes">Largest uncompressed size accepted.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The uncompressed size.</returns>
    /// <exception cref="BundleException">When the bundle is refused; the message says why.</exception>
    public static async Task<long> VerifyAsync(string gzipPath, string expectedSha256, long maxTarBytes, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long total = 0;
        try
        {
            await using (var file = File.OpenRead(gzipPath))
            await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    total += read;
                    if (total > maxTarBytes)
                    {
                        throw new BundleException($"The bundle is larger than {maxTarBytes} bytes uncompressed.");
                    }

                    hash.AppendData(buffer, 0, read);
                }
            }

            var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!string.Equals(actual, expectedSha256, StringComparison.Ordinal))
            {
                throw new BundleException($"The SHA-256 of the uncompressed tar is {actual}, not {expectedSha256}.");
            }

            await CheckEntriesAsync(gzipPath, cancellationToken).ConfigureAwait(false);
            return total;
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new BundleException($"Not a gzip-compressed tar: {ex.Message}", ex);
        }
    }

    private static async Task CheckEntriesAsync(string gzipPath, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(gzipPath);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.Directory))
            {
                throw new BundleException($"Entry '{entry.Name}' is a {entry.EntryType}; bundles hold only files and folders (no links or devices).");
            }

            var name = entry.Name.TrimEnd('/');
            if (name.Length > 0 && SafeRelativePath.Check(name) is { } reason)
            {
                throw new BundleException($"Entry '{entry.Name}' is refused: {reason}");
            }
        }
    }
}
