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
        Console.WriteLine($"  disk probe           {ProbeDisk(root)}");
        var xargsLine = $"seq {runs} | xargs -P{parallelism} -I{{}} bash -c {Quote(command)}";
        var xargs = await TimeAsync("bash", ["-c", xargsLine], root);
        var loadBetween = Machine.LoadAverage();

        var file = Path.Combine(root, "bare.json");
        await File.WriteAllTextAsync(file, Document(command, runs));
        string[] arguments = [cli, .. RunArguments(file, Path.Combine(root, "data"), parallelism)];
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
        var nativeArguments = RunArguments(file, Path.Combine(root, "data-native"), parallelism);
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

        // The same again with the data folder in memory: the product's figure without this disk's cost of creating files
        // (a diagnostic beside the target row, which keeps the data folder on disk as a user's is).
        var shm = Directory.Exists("/dev/shm") ? Path.Combine("/dev/shm", "bare-bench-" + Guid.NewGuid().ToString("N")[..8]) : null;
        var inMemory = true;
        if (shm is not null)
        {
            try
            {
                Directory.CreateDirectory(shm);
                var memory = await TimeAsync(native, RunArguments(file, shm, parallelism), root);
                var memoryPassed = Passed(memory.Stdout);
                inMemory = memory.ExitCode == 0 && memoryPassed == runs;
                Console.WriteLine($"  native, data in /dev/shm {memory.Wall.TotalSeconds:F2} s, {runs / memory.Wall.TotalSeconds:F1} runs/s, exit {memory.ExitCode}, passed {memoryPassed}/{runs}; ratio to xargs {memory.Wall.TotalSeconds / xargs.Wall.TotalSeconds:F1}x (diagnostic: no disk)");
                Console.WriteLine($"  busy CPU, in memory  {Cpu(memory.BusyCpu, runs)}");
            }
            finally
            {
                Directory.Delete(shm, recursive: true);
            }
        }

        return xargs.ExitCode == 0 && product.ExitCode == 0 && passed == runs && natively.ExitCode == 0 && nativePassed == runs && inMemory;
    }

    /// <summary>
    /// How dear creating a file is on the bench folder's disk right now: 1,000 empty files, created and kept until the
    /// end (deleting them would make the next creations dearer). An ext4 without a journal skips every inode freed in
    /// the last minute (six while its inode-table block is dirty) when it allocates one, so after a test suite's or
    /// another session's clean-up the same batch can take a third longer.
    /// </summary>
    private static string ProbeDisk(string root)
    {
        var folder = Path.Combine(root, "disk-probe");
        Directory.CreateDirectory(folder);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++)
        {
            File.Create(Path.Combine(folder, i.ToString(CultureInfo.InvariantCulture))).Dispose();
        }

        return string.Create(CultureInfo.InvariantCulture, $"1,000 empty files created in {clock.Elapsed.TotalMilliseconds:F0} ms ({clock.Elapsed.TotalMilliseconds:F0} µs a file)");
    }

    /// <summary>
    /// Two builds of the command (two native binaries, say a commit and the one before it) alternated on the same batch
    /// of <c>true</c>, <paramref name="pairs"/> times: each run's wall time and the machine's busy CPU, then the means.
    /// Alternating spreads the machine's drift over both; <paramref name="dataRoot"/> (default <c>/dev/shm</c>) keeps
    /// this disk's cost of creating files out of the comparison.
    /// </summary>
    public static async Task<int> PairsAsync(string first, string second, int pairs, int runs, int parallelism, string? dataRoot)
    {
        foreach (var binary in (string[])[first, second])
        {
            if (!File.Exists(binary))
            {
                Console.WriteLine($"{binary} not found.");
                return 2;
            }
        }

        var root = dataRoot ?? (Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath());
        var work = Directory.CreateTempSubdirectory("pairs-bench-").FullName;
        Console.WriteLine($"pairs bench: {runs} runs of 'true' at parallelism {parallelism}, {pairs} alternating pairs, data under {root}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine                {Machine.Describe()}");
        Console.WriteLine($"A                      {first}");
        Console.WriteLine($"B                      {second}");
        var file = Path.Combine(work, "bare.json");
        await File.WriteAllTextAsync(file, Document("true", runs));
        var walls = new List<double>[] { [], [] };
        var cpus = new List<double>[] { [], [] };
        var ok = true;
        var folders = new List<string>();
        try
        {
            for (var pair = 1; pair <= pairs; pair++)
            {
                for (var side = 0; side < 2; side++)
                {
                    var data = Path.Combine(root, $"pairs-bench-{Guid.NewGuid():N}");
                    folders.Add(data);
                    var result = await TimeAsync(side == 0 ? first : second, RunArguments(file, data, parallelism), work);
                    var passed = Passed(result.Stdout);
                    ok &= result.ExitCode == 0 && passed == runs;
                    walls[side].Add(result.Wall.TotalSeconds);
                    cpus[side].Add(result.BusyCpu ?? double.NaN);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  pair {pair} {(side == 0 ? 'A' : 'B')}  {result.Wall.TotalSeconds:F2} s, {Cpu(result.BusyCpu, runs)}, exit {result.ExitCode}, passed {passed}/{runs}"));
                }
            }
        }
        finally
        {
            // Only at the end: on a disk, deleting a run's thousands of files would make the next run's files dearer
            // (see ProbeDisk), and so the run after a deletion would pay for it.
            foreach (var folder in folders.Where(Directory.Exists).Append(work))
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        var faster = Enumerable.Range(0, pairs).Count(i => walls[1][i] < walls[0][i]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  mean A                {walls[0].Average():F2} s, {cpus[0].Average():F2} CPU-s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  mean B                {walls[1].Average():F2} s, {cpus[1].Average():F2} CPU-s; B/A {walls[1].Average() / walls[0].Average():F3} wall, {cpus[1].Average() / cpus[0].Average():F3} CPU; B faster in {faster} of {pairs} pairs"));
        return ok ? 0 : 1;
    }

    /// <summary>The arguments of <c>run FILE</c> into a data folder at a parallelism, printing the aggregate as JSON.</summary>
    private static string[] RunArguments(string file, string data, int parallelism) =>
        ["run", file, "--data", data, "--parallel", parallelism.ToString(CultureInfo.InvariantCulture), "--json"];

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
