namespace Orchestration.Domain.Specs;

/// <summary>Caps on what the runner uploads (tails are kept when output is cut), and its setup allowance.</summary>
/// <param name="StdoutBytes">Bytes of stdout.txt and of stderr.txt each.</param>
/// <param name="ResponseBytes">Bytes of response.txt.</param>
/// <param name="FlagFileBytes">Bytes of each flag-rule file copied into result.json.</param>
/// <param name="OutputTarBytes">Bytes of output.tar.gz.</param>
/// <param name="SetupSeconds">The setup allowance (<see cref="AttemptTimeLimits.SetupSeconds"/>): the runner gives the work
/// its full <c>timeoutSeconds</c> unless claiming and fetching inputs took longer than this.</param>
public sealed record SpecLimits(
    long StdoutBytes = 1024 * 1024,
    long ResponseBytes = 1024 * 1024,
    long FlagFileBytes = 64 * 1024,
    long OutputTarBytes = 256L * 1024 * 1024,
    int SetupSeconds = AttemptTimeLimits.DefaultSetupSeconds);
