namespace Orchestration.Activities.Inputs;

/// <summary>A bundle written to a temporary file.</summary>
/// <param name="Sha256">Lowercase hex SHA-256 of the uncompressed tar: the bundle's name.</param>
/// <param name="GzipPath">The tar.gz file (the caller deletes it).</param>
/// <param name="TarBytes">Size of the uncompressed tar.</param>
/// <param name="GzipBytes">Size of the tar.gz.</param>
public sealed record BuiltBundle(string Sha256, string GzipPath, long TarBytes, long GzipBytes);
