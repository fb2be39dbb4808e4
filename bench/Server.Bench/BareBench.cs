using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Orchestration.Server.Bench;

/// <summary>
/// What a user gets for N runs of a bare command: the built command line (<c>run FILE --parallel P --json</c>,
/// the standalone composition with the durable engine and the local job runner's default executor, in a
/// process of its own, start-up included) against <c>seq N | xargs -P P -I{} bash -c CMD</c>, side by side in one run,
/// for <c>true</c> and <c>sleep 0.1</c>.
/// </summary>
/// <remarks>With a third argument, the path of a natively compiled <c>orchestration</c> (README: the native build), the
/// same batch runs through it too, in the same round, against the same xargs figure.
/// Unlike the <c>runner</c> mode, the xargs side does only the command: the gap is everything the product
/// adds per run (durable steps, the local runner's execution, the runner's claim, captures and result).</remarks>
internal static class BareBench
{
    private static readonly string[] Commands = ["true", "sleep 0.1"];

    public static async Task<int> RunAsync(int runs, int parallelism, string? native)
    {
        if (native is not null && !File.Exists(native))
        {
            Console.WriteLine($"{native} not found: publish the native build first (README).");
            return 2;
        }

        var cli = Path.Combine(AppContext.BaseDirectory, "Orchestration.Server.dll");
        if (!File.Exists(cli))
        {
            Console.WriteLine($"{cli} not found: build bench/Server.Bench first.");
            return 2;
        }

        Console.WriteLine($"bare bench: {runs} runs per command at parallelism {parallelism}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine                {Machine.Describe()}");
        Console.WriteLine($"bench command          dotnet {Path.GetRelativePath(Environment.CurrentDirectory, typeof(BareBench).Assembly.Location)} bare {runs} {parallelism}{(native is null ? "" : " " + native)}");
        var ok = true;
        var roots = new List<string>();
        try
        {
            foreach (var command in Commands)
            {
                var root = Directory.CreateTempSubdirectory("bare-bench-").FullName;
                roots.Add(root);
                ok &= await MeasureAsync(cli, native, command, runs, parallelism, root);
            }
        }
        finally
        {
            // After every measurement: deleting a data folder of thousands of files right before the next
            // measurement would slow that one's file creation (ext4 skips recently freed inodes when it allocates).
            foreach (var root in roots)
            {
                Directory.Delete(root, recursive: true);
            }
        }

        return ok ? 0 : 1;
    }

    private static async Task<bool> MeasureAsync(string cli, string? native, string command, int runs, int parallelism, string root)
    {
        Console.WriteLine();
        Console.WriteLine($"command '{command}', load average before {Machine.LoadAverage()}");
        var xargsLine = $"seq {runs} | xargs -P{parallelism} -I{{}} bash -c {Quote(command)}";
        var xargs = await TimeAsync("bash", ["-c", xargsLine], root);
        var loadBetween = Machine.LoadAverage();

        var file = Path.Combine(root, "bare.json");
        await File.WriteAllTextAsync(file, Document(command, runs));
        string[] arguments = [cli, "run", file, "--data", Path.Combine(root, "data"), "--parallel", parallelism.ToString(CultureInfo.InvariantCulture), "--json"];
        var product = await TimeAsync("dotnet", arguments, root);
        var passed = Passed(product.Stdout);

        var ratio = product.Wall.TotalSeconds / xargs.Wall.TotalSeconds;
        Console.WriteLine($"  xargs                {xargs.Wall.TotalSeconds:F2} s, {runs / xargs.Wall.TotalSeconds:F1} runs/s, exit {xargs.ExitCode}: {xargsLine}");
        Console.WriteLine($"  product              {product.Wall.TotalSeconds:F2} s, {runs / product.Wall.TotalSeconds:F1} runs/s, exit {product.ExitCode}, passed {passed}/{runs}: dotnet {string.Join(' ', arguments.Select(a => Path.IsPathRooted(a) ? Path.GetFileName(a) : a))}");
        Console.WriteLine($"  ratio product/xargs  {ratio:F1}x (target <= 5x)");
        Console.WriteLine($"  busy CPU, machine    xargs {Cpu(xargs.BusyCpu, runs)}, product {Cpu(product.BusyCpu, runs)} (every process while it ran)");
        Console.WriteLine($"  peak RSS of product  {product.PeakRssMb:F0} MB (the run process; its runners are processes of their own)");
        Console.WriteLine($"  load average between {loadBetween}, after {Machine.LoadAverage()}");
        if (product.ExitCode != 0 || passed != runs)
        {
            Console.WriteLine($"  product stderr (last lines): {LastLines(product.Stderr)}");
        }

        if (native is null)
        {
            return xargs.ExitCode == 0 && product.ExitCode == 0 && passed == runs;
        }

        // The same batch file through the native build, into a data folder of its own.
        string[] nativeArguments = ["run", file, "--data", Path.Combine(root, "data-native"), "--parallel", parallelism.ToString(CultureInfo.InvariantCulture), "--json"];
        var natively = await TimeAsync(native, nativeArguments, root);
        var nativePassed = Passed(natively.Stdout);
        Console.WriteLine($"  native               {natively.Wall.TotalSeconds:F2} s, {runs / natively.Wall.TotalSeconds:F1} runs/s, exit {natively.ExitCode}, passed {nativePassed}/{runs}: {Path.GetFileName(native)} {string.Join(' ', nativeArguments.Select(a => Path.IsPathRooted(a) ? Path.GetFileName(a) : a))}");
        Console.WriteLine($"  ratio native/xargs   {natively.Wall.TotalSeconds / xargs.Wall.TotalSeconds:F1}x (target <= 5x); native/product {natively.Wall.TotalSeconds / product.Wall.TotalSeconds:F2}");
        Console.WriteLine($"  busy CPU, native     {Cpu(natively.BusyCpu, runs)}");
        Console.WriteLine($"  peak RSS of native   {natively.PeakRssMb:F0} MB");
        if (natively.ExitCode != 0 || nativePassed != runs)
        {
            Console.WriteLine($"  native stderr (last lines): {LastLines(natively.Stderr)}");
        }

        return xargs.ExitCode == 0 && product.ExitCode == 0 && passed == runs && natively.ExitCode == 0 && nativePassed == runs;
    }

    /// <summary>The batch file: tasks of at most 1,000 runs (the per-task limit), no id (derived from the file, as a user's).</summary>
    private static string Document(string command, int runs)
    {
        var tasks = Enumerable.Range(0, (runs + 999) / 1000)
            .Select(t => new Dictionary<string, object> { ["id"] = $"t{t}", ["n"] = Math.Min(1000, runs - (t * 1000)), ["command"] = command });
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["tasks"] = tasks });
    }

    private static int Passed(string aggregate)
    {
        try
        {
            using var json = JsonDocument.Parse(aggregate);
            return json.RootElement.GetProperty("total").GetProperty("passed").GetInt32();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException)
        {
            return 0;
        }
    }

    private static string Cpu(double? seconds, int runs) =>
        seconds is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s:F2} CPU-s ({s * 1000 / runs:F1} ms/run)") : "n/a";

    private static string LastLines(string text) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(5));

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Runs a process to its end: wall time, exit code, output, its peak RSS (VmHWM, sampled every 20 ms) and
    /// the machine's busy CPU meanwhile (every process: on a shared machine an upper bound of the command's own).</summary>
    private static async Task<(TimeSpan Wall, int ExitCode, string Stdout, string Stderr, double PeakRssMb, double? BusyCpu)> TimeAsync(string program, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var busy = Machine.BusyCpuSeconds();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        var peak = 0.0;
        while (!exited.IsCompleted)
        {
            peak = Math.Max(peak, Machine.PeakRssMb(process.Id) ?? 0);
            await Task.WhenAny(exited, Task.Delay(20));
        }

        await exited;
        clock.Stop();
        return (clock.Elapsed, process.ExitCode, await stdout, await stderr, peak, Machine.BusyCpuSeconds() - busy);
    }
}
