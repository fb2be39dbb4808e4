namespace Orchestration.Server;

/// <summary>What <c>serve</c> was asked to do.</summary>
/// <param name="Urls">Where to listen (';'-separated URLs); null for ASPNETCORE_URLS or the default.</param>
/// <param name="DataFolder">The data folder.</param>
/// <param name="AllowInsecureRemote">Serve a non-loopback address without keys or TLS anyway.</param>
internal sealed record ServeArguments(string? Urls, string DataFolder, bool AllowInsecureRemote);
