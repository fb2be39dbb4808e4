namespace Orchestration.Server;

/// <summary>Exit codes of the command line.</summary>
public static class ExitCodes
{
    /// <summary>The batch completed (whatever its runs' outcomes).</summary>
    public const int Completed = 0;

    /// <summary>The batch could not complete: cancelled, failed or terminated.</summary>
    public const int NotCompleted = 1;

    /// <summary>Nothing was started: an invalid file, a refused option, a bad setting, or a command this build lacks.</summary>
    public const int Refused = 2;

    /// <summary>Detached on Ctrl-C; the runs keep going.</summary>
    public const int Detached = 130;
}
