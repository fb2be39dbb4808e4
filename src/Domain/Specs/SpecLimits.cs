namespace Orchestration.Domain.Specs;

/// <summary>Caps on what the runner uploads; tails are kept when output is cut.</summary>
/// <param name="StdoutBytes">Bytes of stdout.txt and of stderr.txt each.</param>
/// <param name="ResponseBytes">Bytes of response.txt.</param>
/// <param name="FlagFileBytes">Bytes of each flag-rule file copied into result.json.</param>
/// <param name="OutputTarBytes">Bytes of output.tar.gz.</param>
/// <param name="SafetyMarginSeconds">How long before the timeout the runner stops the work to upload.</param>
public sealed record SpecLimits(
    long StdoutBytes = 1024 * 1024,
    long ResponseBytes = 1024 * 1024,
    long FlagFileBytes = 64 * 1024,
    long OutputTarBytes = 256L * 1024 * 1024,
    int SafetyMarginSeconds = 30);
