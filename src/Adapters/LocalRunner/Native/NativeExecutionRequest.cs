namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>One execution for <see cref="NativeExecutor"/>: what runner.sh would get, where the objects live, and the execution's own state folder.</summary>
/// <remarks>
/// <para>
/// <see cref="Environment"/> holds exactly the variables runner.sh would get (<c>RUN_SPEC_URI</c>,
/// <c>RUN_PREFIX</c>, <c>RUN_ATTEMPT</c>, <c>CLOUD_RUN_EXECUTION</c>, <c>RUNNER_WORKSPACE</c>, the other
/// <c>RUNNER_*</c> settings, <c>HOME</c>, <c>PATH</c>, <c>TMPDIR</c>, secrets such as
/// <c>ANTHROPIC_API_KEY</c>, and the storage grants <c>GCLOUD_STANDIN_READ_PREFIXES</c> /
/// <c>GCLOUD_STANDIN_WRITE_PREFIXES</c>).
/// </para>
/// <para>
/// <c>gs://B/O</c> is the file <c>{ObjectsRoot}/B/O</c>, the layout of the gcloud stand-in's
/// <c>GCS_LOCAL_ROOT</c>. <see cref="StateFolder"/> is this execution's own folder (journal, laid-out
/// spec, captures); it must be kept across host restarts, since a later call resumes from it.
/// </para>
/// </remarks>
/// <param name="Environment">The execution's environment, as runner.sh would see it.</param>
/// <param name="ObjectsRoot">The root of the local object store: bucket folders under it.</param>
/// <param name="StateFolder">This execution's journal folder.</param>
/// <param name="ScratchFolder">Where its working files live (the laid-out spec, the work's pid, status and captures,
/// the upload staging); null: in <paramref name="StateFolder"/>. Only the journal and the exit status must outlive the
/// machine: on a memory file system these files survive a host crash (a resumed driver finds them) and are lost with a
/// machine restart, which the work does not survive either; a driver that finds them gone after the work's launch
/// reports the execution lost (an infrastructure failure), never runs the work again.</param>
public sealed record NativeExecutionRequest(IReadOnlyDictionary<string, string> Environment, string ObjectsRoot, string StateFolder, string? ScratchFolder = null);
