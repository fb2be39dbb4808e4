using System.Text;
using System.Text.RegularExpressions;
using Orchestration.Domain.Documents;

namespace Orchestration.Domain.Validation;

/// <summary>Checks of the container profile: image, Cloud Run resources and non-secret env.</summary>
public static partial class BatchValidator
{
    internal static readonly string[] ReservedEnvPrefixes = ["RUN_", "CLOUD_RUN_", "ORCHESTRATION_"];

    private static void CheckProfile(ValidationContext context, string path, ProfileDocument? profile)
    {
        if (profile is null)
        {
            return;
        }

        if (profile.Image is not null && (profile.Image.Length is 0 or > 512 || profile.Image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            context.Add(JsonPaths.Property(path, "image"), "An image reference is 1 to 512 characters without spaces.");
        }

        if (profile.Cpu is not null && CpuCount(profile.Cpu) is null)
        {
            context.Add(JsonPaths.Property(path, "cpu"), "Cloud Run jobs take cpu \"1\", \"2\", \"4\" or \"8\".");
        }

        if (profile.Memory is not null && MemoryMiB(profile.Memory) is null)
        {
            context.Add(JsonPaths.Property(path, "memory"), "Memory is a whole number of Mi or Gi between 512Mi and 32Gi, such as \"512Mi\" or \"2Gi\".");
        }

        CheckEnv(context, JsonPaths.Property(path, "env"), profile.Env);
    }

    private static void CheckEnv(ValidationContext context, string path, IReadOnlyDictionary<string, string>? env)
    {
        if (env is null)
        {
            return;
        }

        if (env.Count > context.Limits.MaxEnvVariables)
        {
            context.Add(path, $"At most {context.Limits.MaxEnvVariables} environment variables.");
        }

        foreach (var (name, value) in env)
        {
            var entry = JsonPaths.Property(path, name);
            if (!EnvName().IsMatch(name))
            {
                context.Add(entry, "An environment variable name is letters, digits and '_', not starting with a digit.");
            }
            else if (ReservedEnvPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                context.Add(entry, "Names starting with RUN_, CLOUD_RUN_ or ORCHESTRATION_ are set by the runner.");
            }
            else if (SecretDetector.IsSecretLookingName(name, context.Limits.AllowedSecretLookingEnvNames))
            {
                context.Add(entry, "This name looks like a secret. Secrets never go in a batch: reference them from Secret Manager on the Cloud Run job (see the deployment guide).");
            }

            if (value is null)
            {
                context.Add(entry, "An environment value must be a string, not null.");
            }
            else if (SecretDetector.IsSecretLookingValue(value))
            {
                context.Add(entry, "This value looks like a credential. Secrets never go in a batch: reference them from Secret Manager on the Cloud Run job (see the deployment guide).");
            }
            else if (Encoding.UTF8.GetByteCount(value) > context.Limits.MaxEnvValueBytes || value.Contains('\0', StringComparison.Ordinal))
            {
                context.Add(entry, $"An environment value is at most {context.Limits.MaxEnvValueBytes} bytes without NUL characters.");
            }
        }
    }

    private static void CheckResources(ValidationContext context, string path, ProfileDocument? merged)
    {
        var cpu = CpuCount(merged?.Cpu ?? context.Defaults.Cpu);
        var memory = MemoryMiB(merged?.Memory ?? context.Defaults.Memory);
        if (cpu is null || memory is null)
        {
            return;
        }

        var (min, max) = MemoryRangeMiB(cpu.Value);
        if (memory < min || memory > max)
        {
            context.Add(path, $"Cloud Run does not accept {cpu} vCPU with {merged?.Memory ?? context.Defaults.Memory}: with {cpu} vCPU memory is {Format(min)} to {Format(max)}.");
        }
    }

    /// <summary>Cloud Run's memory range per vCPU count: more than 4 GiB needs 2 vCPU, more than 8 GiB
    /// needs 4, more than 16 GiB needs 8; 4 vCPU need at least 2 GiB and 8 vCPU at least 4 GiB.</summary>
    private static (int Min, int Max) MemoryRangeMiB(int cpu) => cpu switch
    {
        1 => (512, 4 * 1024),
        2 => (512, 8 * 1024),
        4 => (2 * 1024, 16 * 1024),
        _ => (4 * 1024, 32 * 1024),
    };

    private static string Format(int mib) => mib % 1024 == 0 ? $"{mib / 1024}Gi" : $"{mib}Mi";

    private static int? CpuCount(string cpu) => cpu switch
    {
        "1" => 1,
        "2" => 2,
        "4" => 4,
        "8" => 8,
        _ => null,
    };

    private static int? MemoryMiB(string memory)
    {
        var match = MemoryPattern().Match(memory);
        if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, out var amount) || amount > 32 * 1024)
        {
            return null;
        }

        var mib = match.Groups[2].Value == "Gi" ? amount * 1024 : amount;
        return mib is >= 512 and <= 32 * 1024 ? mib : null;
    }

    [GeneratedRegex(@"\A[A-Za-z_][A-Za-z0-9_]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex EnvName();

    [GeneratedRegex(@"\A([1-9][0-9]{0,5})(Mi|Gi)\z", RegexOptions.CultureInvariant)]
    private static partial Regex MemoryPattern();
}
