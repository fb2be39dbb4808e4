namespace Orchestration.Server;

/// <summary>The process that holds a data folder's lock.</summary>
/// <param name="Pid">Its process id, when it was written.</param>
/// <param name="Role"><c>run</c>, <c>serve</c> or <see cref="DataFolderLock.Background"/>.</param>
public sealed record DataFolderHolder(int? Pid, string Role)
{
    /// <summary>Whether it is a background host, which hands the folder over when asked.</summary>
    public bool IsBackground => Role == DataFolderLock.Background;

    /// <summary>The refusal message for a second host on the folder.</summary>
    /// <param name="root">The data folder.</param>
    /// <returns>The message.</returns>
    public string Refusal(string root) =>
        $"The data folder {root} is in use by 'orchestration {(IsBackground ? "(background host)" : Role)}' (pid {Pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}); " +
        "two hosts must never drive one data folder. Wait for it to end or stop it, or pass another --data folder.";
}
