using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestration.Activities;
using Orchestration.Activities.Contracts;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Durable;
using Orchestration.Workflows.Service;

namespace Orchestration.Server.Bench;

/// <summary>
/// Local runner overhead: the same trivial runs through the product (embedded engine, local job runner,
/// runner/runner.sh, local polling schedule, no start pacing) and through <c>xargs -P</c> running the same
/// runner script per run with the environment the local job runner gives it.
/// </summary>
internal static class RunnerBench
{
    // The per-run part of what LocalJobRunner does for an execution: a fresh workspace as the working
    // directory, RUN_PREFIX / CLOUD_RUN_EXECUTION / RUNNER_WORKSPACE, stdout and stderr to files, the
    // workspace deleted afterwards, and its own session (setsid, as the local runner's wrapper): with
    // the kernel's autogroup scheduling each session is a CPU group of its own, so without it the xargs
    // side would share one group against the rest of a busy machine while the product's executions do not.
    // Everything shared (spec URI, PATH with the gcloud stand-in,
    // GCS_LOCAL_ROOT, the job's env) is in xargs' own environment.
    private const string PerRunScript = """
        i=$1
        ws="$XARGS_ROOT/ws/$i"
        mkdir -p "$ws" && cd "$ws" || exit 1
        RUN_PREFIX="gs://$XARGS_BUCKET/runs/xargs/$i/a1/" CLOUD_RUN_EXECUTION="xargs-$i" RUNNER_WORKSPACE="$ws" \
          setsid -w bash "$XARGS_RUNNER" >"$XARGS_ROOT/logs/$i.out" 2>"$XARGS_ROOT/logs/$i.err"
        rc=$?
        rm -rf "$ws"
        exit "$rc"
        """;

    public static async Task<int> RunAsync(int runs, int parallelism)
    {
        var script = Machine.FindRunnerScript();
        var root = Directory.CreateTempSubdirectory("runner-bench-").FullName;
        var dataPath = Path.Combine(root, "data");
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = root });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LocalRunner:MaxParallelExecutions"] = parallelism.ToString(CultureInfo.InvariantCulture),
                ["Standalone:RunnerScript"] = script,
            });
            builder.Services.AddStandaloneOrchestration(builder.Configuration, dataPath);
            using var host = builder.Build();
            var data = host.Services.GetRequiredService<DataFolder>();
            data.Create();
            await host.StartAsync();

            Console.WriteLine($"runner bench: {runs} runs of 'true' at parallelism {parallelism}, runner {script}");
            Console.WriteLine($"load average before  {Machine.LoadAverage()}");

            // Warm-up (JIT, SQLite, page cache) and the source of the spec and job env the xargs side reuses.
            var warmup = await RunProductAsync(host.Services, "warmup", parallelism, parallelism);
            if (warmup.Summary.Passed != parallelism)
            {
                Console.WriteLine($"warm-up batch did not pass: {warmup.Summary}");
                return 1;
            }

            var xargs = await RunXargsAsync(host.Services, data, root, runs, parallelism);
            var loadBetween = Machine.LoadAverage();
            var product = await RunProductAsync(host.Services, "product", runs, parallelism);
            var executions = ExecutionTimes(data, "product");
            await host.StopAsync();

            var ratio = product.Wall.TotalSeconds / xargs.Wall.TotalSeconds;
            Console.WriteLine($"xargs -P{parallelism}            {xargs.Wall.TotalSeconds:F1} s, {xargs.Passed}/{runs} result.json with exit code 0");
            Console.WriteLine($"product                {product.Wall.TotalSeconds:F1} s, {product.Summary.Status}: passed {product.Summary.Passed}, failed {product.Summary.Failed}, errored {product.Summary.Errored}");
            Console.WriteLine($"ratio product/xargs    {ratio:F2}x (target <= 1.5x)");
            Console.WriteLine($"per run, xargs         {xargs.Wall.TotalSeconds * parallelism / runs:F2} s of a slot (wall x parallelism / runs)");
            Console.WriteLine($"per run, product       {product.Wall.TotalSeconds * parallelism / runs:F2} s of a slot; the runner process itself {executions.Mean:F2} s mean, {executions.P95:F2} s p95 (launched -> exit file)");
            Console.WriteLine($"load average between   {loadBetween}, after {Machine.LoadAverage()}");
            Console.WriteLine($"peak RSS               {Machine.PeakRssMb():F0} MB (host process)");
            return xargs.Passed == runs && product.Summary.Passed == runs ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(TimeSpan Wall, BatchSummary Summary)> RunProductAsync(IServiceProvider services, string id, int runs, int parallelism)
    {
        var tasks = string.Join(", ", Enumerable.Range(0, (runs + 999) / 1000)
            .Select(t => $$"""{"id": "t{{t}}", "n": {{Math.Min(1000, runs - (t * 1000))}}, "command": "true"}"""));
        var document = Encoding.UTF8.GetBytes($$"""{"id": "{{id}}", "maxParallelRuns": {{parallelism}}, "tasks": [{{tasks}}]}""");
        var clock = Stopwatch.StartNew();
        var submitted = await services.GetRequiredService<BatchService>().SubmitAsync(document);
        var done = await services.GetRequiredService<DurableTaskClient>().WaitForInstanceCompletionAsync(submitted.BatchId!, getInputsAndOutputs: true);
        return (clock.Elapsed, done.ReadOutputAs<BatchSummary>()!);
    }

    private static async Task<(TimeSpan Wall, int Passed)> RunXargsAsync(IServiceProvider services, DataFolder data, string root, int runs, int parallelism)
    {
        var options = services.GetRequiredService<IOptions<LocalRunnerOptions>>().Value;
        var bucket = services.GetRequiredService<IOptions<RunSettings>>().Value.Bucket;
        var xargsRoot = Path.Combine(root, "xargs");
        Directory.CreateDirectory(Path.Combine(xargsRoot, "ws"));
        Directory.CreateDirectory(Path.Combine(xargsRoot, "logs"));

        var start = new ProcessStartInfo("xargs") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var argument in (string[])["-P", parallelism.ToString(CultureInfo.InvariantCulture), "-n", "1", "bash", "-c", PerRunScript, "xargs-run"])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in SharedEnvironment(options, WarmupExecutionEnvironment(data)))
        {
            start.Environment[name] = value;
        }

        start.Environment["XARGS_ROOT"] = xargsRoot;
        start.Environment["XARGS_BUCKET"] = bucket;
        start.Environment["XARGS_RUNNER"] = options.RunnerCommand[^1];

        var clock = Stopwatch.StartNew();
        using (var process = Process.Start(start)!)
        {
            await process.StandardInput.WriteAsync(string.Join('\n', Enumerable.Range(0, runs)) + "\n");
            process.StandardInput.Close();
            await process.WaitForExitAsync();
            clock.Stop();
            if (process.ExitCode != 0)
            {
                Console.WriteLine($"xargs exited {process.ExitCode}; see the logs under {xargsRoot}/logs");
            }
        }

        var passed = Enumerable.Range(0, runs).Count(i =>
        {
            var result = Path.Combine(data.Bucket(bucket), "runs", "xargs", i.ToString(CultureInfo.InvariantCulture), "a1", "result.json");
            if (!File.Exists(result))
            {
                return false;
            }

            using var json = JsonDocument.Parse(File.ReadAllBytes(result));
            return json.RootElement.GetProperty("exitCode").GetInt32() == 0;
        });
        return (clock.Elapsed, passed);
    }

    /// <summary>The job env and overrides of a warm-up execution (spec URI, attempt, job settings), as the local runner recorded them.</summary>
    private static Dictionary<string, string> WarmupExecutionEnvironment(DataFolder data)
    {
        var record = Directory.EnumerateFiles(Path.Combine(data.Executions, "executions"), "execution.json", SearchOption.AllDirectories).First();
        using var json = JsonDocument.Parse(File.ReadAllBytes(record));
        var env = json.RootElement.GetProperty("environment").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        env.Remove("RUN_PREFIX");
        return env;
    }

    /// <summary>The environment LocalJobRunner builds for every execution, minus the per-run variables.</summary>
    private static Dictionary<string, string> SharedEnvironment(LocalRunnerOptions options, Dictionary<string, string> execution)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in options.InheritedVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                env[name] = value;
            }
        }

        foreach (var (name, value) in options.ExtraEnvironment.Concat(execution))
        {
            env[name] = value;
        }

        if (!string.IsNullOrEmpty(options.ShimFolder))
        {
            env["PATH"] = $"{Path.GetFullPath(options.ShimFolder)}:{env.GetValueOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin")}";
        }

        env["CLOUD_RUN_JOB"] = "xargs";
        env["CLOUD_RUN_TASK_INDEX"] = "0";
        env["CLOUD_RUN_TASK_COUNT"] = "1";
        env["CLOUD_RUN_TASK_ATTEMPT"] = "0";
        return env;
    }

    /// <summary>Launch-to-exit time of the product's executions of one batch (their RUN_PREFIX names it).</summary>
    private static (double Mean, double P95) ExecutionTimes(DataFolder data, string batchId)
    {
        var seconds = new List<double>();
        foreach (var folder in Directory.EnumerateDirectories(Path.Combine(data.Executions, "executions")))
        {
            var record = Path.Combine(folder, "execution.json");
            var launched = Path.Combine(folder, "launched");
            var exit = Path.Combine(folder, "exit");
            if (!File.Exists(exit) || !File.Exists(launched) || !File.ReadAllText(record).Contains($"/runs/{batchId}/", StringComparison.Ordinal))
            {
                continue;
            }

            var start = DateTimeOffset.Parse(File.ReadAllText(launched).Trim(), CultureInfo.InvariantCulture);
            seconds.Add((new DateTimeOffset(File.GetLastWriteTimeUtc(exit), TimeSpan.Zero) - start).TotalSeconds);
        }

        seconds.Sort();
        return seconds.Count == 0 ? (0, 0) : (seconds.Average(), seconds[(int)Math.Min(seconds.Count - 1, Math.Ceiling(seconds.Count * 0.95) - 1)]);
    }
}
