using System.Globalization;

namespace Orchestration.Domain.Aggregation;

/// <summary>Cloud Run billing inputs for some execution time at a cpu/memory profile.</summary>
/// <param name="VcpuSeconds">vCPU-seconds.</param>
/// <param name="GibSeconds">GiB-seconds of memory.</param>
public sealed record CloudRunUsage(decimal VcpuSeconds, decimal GibSeconds)
{
    /// <summary>No usage.</summary>
    public static CloudRunUsage Zero { get; } = new(0m, 0m);

    /// <summary>The usage of running <paramref name="seconds"/> at <paramref name="profile"/>'s cpu and memory.</summary>
    /// <param name="profile">The container profile (<c>cpu</c> like <c>"2"</c> or <c>"1000m"</c>,
    /// <c>memory</c> like <c>"512Mi"</c>, <c>"2Gi"</c> or <c>"1G"</c>).</param>
    /// <param name="seconds">Billed execution seconds (negative counts as zero).</param>
    /// <returns>The usage.</returns>
    /// <exception cref="FormatException">The cpu or memory is not in Cloud Run's notation (validation prevents it).</exception>
    public static CloudRunUsage For(Profile profile, double seconds)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var billed = (decimal)Math.Max(0, seconds);
        return new CloudRunUsage(ParseCpu(profile.Cpu) * billed, ParseMemoryGib(profile.Memory) * billed);
    }

    /// <summary>The sum of two usages (e.g. over attempts).</summary>
    /// <param name="other">The other usage.</param>
    /// <returns>The sum.</returns>
    public CloudRunUsage Plus(CloudRunUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new CloudRunUsage(VcpuSeconds + other.VcpuSeconds, GibSeconds + other.GibSeconds);
    }

    /// <summary>vCPUs from Cloud Run notation: <c>"2"</c>, <c>"0.5"</c>, <c>"500m"</c>.</summary>
    /// <param name="cpu">The cpu value.</param>
    /// <returns>vCPUs.</returns>
    public static decimal ParseCpu(string cpu)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        return cpu.EndsWith('m')
            ? ParseNumber(cpu[..^1], cpu) / 1000m
            : ParseNumber(cpu, cpu);
    }

    /// <summary>GiB from Kubernetes quantity notation: <c>Ki</c>, <c>Mi</c>, <c>Gi</c>, <c>Ti</c>, <c>k</c>, <c>M</c>, <c>G</c>, <c>T</c>, or bytes.</summary>
    /// <param name="memory">The memory value.</param>
    /// <returns>GiB.</returns>
    public static decimal ParseMemoryGib(string memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        const decimal Gib = 1024m * 1024m * 1024m;
        (string Suffix, decimal Bytes)[] units =
        [
            ("Ki", 1024m), ("Mi", 1024m * 1024m), ("Gi", Gib), ("Ti", Gib * 1024m),
            ("k", 1e3m), ("M", 1e6m), ("G", 1e9m), ("T", 1e12m),
        ];
        foreach (var (suffix, bytes) in units)
        {
            if (memory.EndsWith(suffix, StringComparison.Ordinal))
            {
                return ParseNumber(memory[..^suffix.Length], memory) * bytes / Gib;
            }
        }

        return ParseNumber(memory, memory) / Gib;
    }

    private static decimal ParseNumber(string number, string original) =>
        decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{original}' is not a Cloud Run cpu or memory value");
}
