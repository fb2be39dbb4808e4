namespace Orchestration.Server;

/// <summary>Exit codes of the command line.</summary>
public static class ExitCodes
{
    /// <summary>The batch completed (whatever its runs' outcomes).</summary>
    public const int Completed = 0;

    /// <summary>The batch could not complete: cancelled, failed, terminated or stopped by its cost cap.</summary>
    public const int NotCompleted = 1;

    /// <summary>Nothing was started: an invalid file, a refused option, a bad setting, or a command this build lacks.</summary>
    public const int Refused = 2;

    /// <summary>A remote command named a batch (or task, or results) the server does not have (HTTP 404).</summary>
    public const int NotFound = 3;

    /// <summary>A remote command conflicts with the batch's state: a different batch has the id, it has finished
    /// (cancel) or not finished (purge) (HTTP 409).</summary>
    public const int Conflict = 4;

    /// <summary>The server refused the key: missing or wrong (HTTP 401 or 403).</summary>
    public const int Unauthorized = 5;

    /// <summary>The server could not be reached, timed out, or answered with an error of its own (HTTP 5xx).</summary>
    public const int Unavailable = 6;

    /// <summary>Detached on Ctrl-C; the runs keep going.</summary>
    public const int Detached = 130;
}
