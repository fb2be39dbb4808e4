using System.Text.Json.Serialization;

namespace Orchestration.Adapters.LocalRunner;

/// <summary>How the local job runner carries out an execution (<see cref="LocalRunnerOptions.Executor"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LocalExecutor>))]
public enum LocalExecutor
{
    /// <summary>The runner contract in the host process (<see cref="Native.NativeExecutor"/>); only the work is spawned.</summary>
    Native,

    /// <summary><see cref="LocalRunnerOptions.RunnerCommand"/> (runner/runner.sh with the gcloud stand-in) as a detached process per execution.</summary>
    Script,
}
