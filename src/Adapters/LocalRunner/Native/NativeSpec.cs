using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>spec.json validated and laid out as files, with the refusals and the layout of runner-lib.js <c>spec</c>.</summary>
/// <remarks>
/// The layout (pre.sh, main.sh, post.sh, prompt.txt, claude.args, env.nul) is what runner/phases.sh reads,
/// and the native work's wrapper reads it the same way (runner-lib.js also writes vars and inputs.nul, which
/// only runner.sh itself reads: the native executor keeps those values in memory). JavaScript's loose
/// typing is followed where spec.json could trip it (a number where a string is expected, falsy values).
/// </remarks>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class NativeSpec
{
    private NativeSpec(string kind, long timeoutSeconds, long setupSeconds, long outputTarBytes, long stdoutBytes, long responseBytes, long flagFileBytes, string runnerVersion)
    {
        Kind = kind;
        TimeoutSeconds = timeoutSeconds;
        SetupSeconds = setupSeconds;
        OutputTarBytes = outputTarBytes;
        StdoutBytes = stdoutBytes;
        ResponseBytes = responseBytes;
        FlagFileBytes = flagFileBytes;
        RunnerVersion = runnerVersion;
    }

    /// <summary><c>command</c> or <c>claude</c>.</summary>
    public string Kind { get; }

    /// <summary>The work's time.</summary>
    public long TimeoutSeconds { get; }

    /// <summary>The setup allowance.</summary>
    public long SetupSeconds { get; }

    /// <summary>The cap of output.tar.gz.</summary>
    public long OutputTarBytes { get; }

    /// <summary>The cap of stdout.txt and stderr.txt.</summary>
    public long StdoutBytes { get; }

    /// <summary>The cap of response.txt.</summary>
    public long ResponseBytes { get; }

    /// <summary>The cap of each flag file.</summary>
    public long FlagFileBytes { get; }

    /// <summary>The runner version spec.json was written for (<c>unknown</c> when not a plain word).</summary>
    public string RunnerVersion { get; }

    /// <summary>The inputs: type, name, source, extra (commit or generation).</summary>
    public List<string[]> Inputs { get; } = [];

    /// <summary>The claude model of the spec, if any.</summary>
    public string? ClaudeModel { get; private set; }

    /// <summary>True when flagFiles is neither absent nor a list: result.json cannot be assembled.</summary>
    public bool FlagFilesUnreadable { get; private set; }

    /// <summary>The flag file names (raw JSON values).</summary>
    public List<JsonElement> FlagFiles { get; } = [];

    /// <summary>Validates spec.json; on success writes the layout into <paramref name="folder"/>.</summary>
    /// <param name="json">spec.json's bytes.</param>
    /// <param name="folder">The state folder.</param>
    /// <param name="skipPermissions">RUNNER_CLAUDE_SKIP_PERMISSIONS is 1 and the user is not root.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="NativeSpecException">The refusal, worded as runner-lib.js words it.</exception>
    public static NativeSpec Lay(byte[] json, string folder, bool skipPermissions)
    {
        using var document = Parse(json);
        var spec = document.RootElement;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var result = Validate(spec, files, skipPermissions);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(folder, name);

            // A file left by an interrupted setup keeps its mode: it was created with this one.
            using var stream = new FileStream(path, options);
            stream.Write(content);
        }

        return result;
    }

    /// <summary>Reads an already laid-out spec back (a resumed finish): spec.json only, no files written.</summary>
    public static NativeSpec Read(byte[] json)
    {
        using var document = Parse(json);
        return Validate(document.RootElement, new Dictionary<string, byte[]>(StringComparer.Ordinal), skipPermissions: false);
    }

    private static JsonDocument Parse(byte[] json)
    {
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 1000 });
        }
        catch (JsonException ex)
        {
            throw new NativeSpecException($"spec.json is not JSON: {ex.Message}");
        }
    }

    private static NativeSpec Validate(JsonElement spec, Dictionary<string, byte[]> files, bool skipPermissions)
    {
        if (spec.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            throw new NativeSpecException("spec.json is not an object");
        }

        var kind = Member(spec, "kind");
        if (kind is not { ValueKind: JsonValueKind.String } || kind.Value.GetString() is not ("command" or "claude"))
        {
            throw new NativeSpecException($"spec.kind must be \"command\" or \"claude\", not {(kind is { } k ? JsJson.Stringify(k) : "undefined")}");
        }

        var kindText = kind.Value.GetString()!;
        var timeout = NonNegativeInteger(Member(spec, "timeoutSeconds"), "timeoutSeconds", null);
        if (timeout is not > 0)
        {
            throw new NativeSpecException("spec.timeoutSeconds must be positive");
        }

        var limits = Member(spec, "limits") is { } l && JsJson.Truthy(l) && l.ValueKind == JsonValueKind.Object ? l : (JsonElement?)null;
        long Limit(string name, long fallback) =>
            NonNegativeInteger(limits is { } o ? Member(o, name) : null, "limits." + name, fallback)!.Value;
        var stdoutBytes = Limit("stdoutBytes", 1024 * 1024);
        var responseBytes = Limit("responseBytes", 1024 * 1024);
        var flagFileBytes = Limit("flagFileBytes", 64 * 1024);
        var outputTarBytes = Limit("outputTarBytes", 256L * 1024 * 1024);
        var setupSeconds = Limit("setupSeconds", 600);

        string? model = null;
        if (kindText == "command")
        {
            files["main.sh"] = Encoding.UTF8.GetBytes(NonEmptyString(spec, "command") ?? throw new NativeSpecException("a command task needs a command"));
        }
        else
        {
            files["prompt.txt"] = Encoding.UTF8.GetBytes(NonEmptyString(spec, "prompt") ?? throw new NativeSpecException("a claude task needs a prompt"));
            var args = ClaudeArgs(spec, skipPermissions, out model);
            files["claude.args"] = NulJoin(args);
        }

        if (NonEmptyString(spec, "preCommand") is { } pre)
        {
            files["pre.sh"] = Encoding.UTF8.GetBytes(pre);
        }

        if (NonEmptyString(spec, "postCommand") is { } post)
        {
            files["post.sh"] = Encoding.UTF8.GetBytes(post);
        }

        files["env.nul"] = NulJoin(EnvPairs(spec));
        var result = new NativeSpec(kindText, timeout.Value, setupSeconds, outputTarBytes, stdoutBytes, responseBytes, flagFileBytes, RunnerVersionOf(spec)) { ClaudeModel = model };
        InputRecords(spec, result.Inputs);
        if (Member(spec, "flagFiles") is { } flags && JsJson.Truthy(flags))
        {
            if (flags.ValueKind == JsonValueKind.Array)
            {
                result.FlagFiles.AddRange(flags.EnumerateArray().Select(f => f.Clone()));
            }
            else
            {
                // runner-lib.js fails while assembling result.json, not while reading the spec.
                result.FlagFilesUnreadable = true;
            }
        }

        if (model is null && kindText == "claude" && Member(spec, "claude") is { ValueKind: JsonValueKind.Object } claude && Member(claude, "model") is { ValueKind: JsonValueKind.String } m)
        {
            result.ClaudeModel = m.GetString();
        }

        return result;
    }

    private static string RunnerVersionOf(JsonElement spec)
    {
        var value = Member(spec, "runnerVersion") is { } v && JsJson.Truthy(v) ? JsJson.ToJsString(v) : string.Empty;
        return RunnerVersionPattern().IsMatch(value) ? value : "unknown";
    }

    private static List<string> ClaudeArgs(JsonElement spec, bool skipPermissions, out string model)
    {
        var claude = Member(spec, "claude");
        if (claude is not { } c || !JsJson.Truthy(c) || Member(c, "model") is not { ValueKind: JsonValueKind.String } m || m.GetString()!.Length == 0)
        {
            throw new NativeSpecException("a claude task needs claude.model");
        }

        model = m.GetString()!;
        var args = new List<string> { "-p", "--output-format", "stream-json", "--verbose", "--model", model };
        if (Present(Member(c, "maxTurns")) is { } turns)
        {
            args.AddRange(["--max-turns", NonNegativeInteger(turns, "claude.maxTurns", null)!.Value.ToString(CultureInfo.InvariantCulture)]);
        }

        if (Present(Member(c, "maxBudgetUsd")) is { } budget)
        {
            if (budget.ValueKind != JsonValueKind.Number || !(budget.GetDouble() > 0))
            {
                throw new NativeSpecException("spec.claude.maxBudgetUsd must be a positive number");
            }

            args.AddRange(["--max-budget-usd", JsJson.Number(budget.GetDouble())]);
        }

        if (Member(c, "systemPrompt") is { } system && JsJson.Truthy(system))
        {
            args.AddRange(["--system-prompt", JsJson.ToJsString(system)]);
        }

        if (Member(c, "appendSystemPrompt") is { } append && JsJson.Truthy(append))
        {
            args.AddRange(["--append-system-prompt", JsJson.ToJsString(append)]);
        }

        var allowed = ToolList(c, "allowedTools");
        var disallowed = ToolList(c, "disallowedTools");
        if (allowed.Count > 0)
        {
            args.AddRange(["--allowedTools", string.Join(',', allowed)]);
        }

        if (disallowed.Count > 0)
        {
            args.AddRange(["--disallowedTools", string.Join(',', disallowed)]);
        }

        args.AddRange(skipPermissions ? ["--dangerously-skip-permissions"] : ["--permission-mode", "acceptEdits"]);
        return args;
    }

    private static List<string> ToolList(JsonElement claude, string name)
    {
        if (Member(claude, name) is not { } list || !JsJson.Truthy(list))
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new NativeSpecException($"spec.claude.{name} must be a list");
        }

        return list.EnumerateArray().Select(e => e.ValueKind is JsonValueKind.Null ? string.Empty : JsJson.ToJsString(e)).ToList();
    }

    private static List<string> EnvPairs(JsonElement spec)
    {
        var pairs = new List<string>();
        if (Member(spec, "env") is not { } env || !JsJson.Truthy(env))
        {
            return pairs;
        }

        if (env.ValueKind is JsonValueKind.String or JsonValueKind.Array)
        {
            // Object.entries of a string or a list yields index keys, which are no variable names.
            throw new NativeSpecException("env name '0' is not a valid variable name");
        }

        if (env.ValueKind != JsonValueKind.Object)
        {
            return pairs;
        }

        foreach (var (key, value) in JsJson.OrderedMembers(env))
        {
            if (!VariableName().IsMatch(key))
            {
                throw new NativeSpecException($"env name '{key}' is not a valid variable name");
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw new NativeSpecException($"env '{key}' must be a string");
            }

            pairs.Add($"{key}={value.GetString()}");
        }

        return pairs;
    }

    private static void InputRecords(JsonElement spec, List<string[]> records)
    {
        if (Member(spec, "inputs") is not { } inputs || !JsJson.Truthy(inputs))
        {
            return;
        }

        if (inputs.ValueKind != JsonValueKind.Array)
        {
            throw new NativeSpecException("spec.inputs must be a list");
        }

        foreach (var input in inputs.EnumerateArray())
        {
            if (input.ValueKind != JsonValueKind.Object)
            {
                throw new NativeSpecException("an input must be an object");
            }

            var nameElement = Member(input, "name");
            var nameText = nameElement is { } n ? JsJson.ToJsString(n) : "undefined";
            var sources = new[] { "bundle", "git", "gcs" }.Where(k => Present(Member(input, k)) is not null).ToList();
            if (sources.Count != 1)
            {
                throw new NativeSpecException($"input '{nameText}' must have exactly one of bundle, git, gcs");
            }

            var name = nameElement is { ValueKind: JsonValueKind.String } s ? s.GetString()! : null;
            var reason = sources[0] == "bundle" && name == "." ? null : UnsafeRelativePath(name);
            if (reason is not null)
            {
                throw new NativeSpecException($"input name '{nameText}' {reason}");
            }

            var source = Member(input, sources[0])!.Value;
            switch (sources[0])
            {
                case "bundle":
                    if (source.ValueKind != JsonValueKind.String || !source.GetString()!.StartsWith("gs://", StringComparison.Ordinal))
                    {
                        throw new NativeSpecException($"input '{name}': bundle must be a gs:// URI");
                    }

                    records.Add(["bundle", name!, source.GetString()!, string.Empty]);
                    break;
                case "git":
                    var url = source.ValueKind == JsonValueKind.Object ? Member(source, "url") : null;
                    if (url is not { ValueKind: JsonValueKind.String } || url.Value.GetString()!.Length == 0 || url.Value.GetString()!.StartsWith('-'))
                    {
                        throw new NativeSpecException($"input '{name}': git.url is missing");
                    }

                    var commit = source.ValueKind == JsonValueKind.Object ? Member(source, "commit") : null;
                    if (commit is not { ValueKind: JsonValueKind.String } || !CommitPattern().IsMatch(commit.Value.GetString()!))
                    {
                        throw new NativeSpecException($"input '{name}': git.commit must be a full commit SHA");
                    }

                    records.Add(["git", name!, url.Value.GetString()!, commit.Value.GetString()!]);
                    break;
                default:
                    var uri = source.ValueKind == JsonValueKind.Object ? Member(source, "uri") : null;
                    if (uri is not { ValueKind: JsonValueKind.String } || !GcsPattern().IsMatch(uri.Value.GetString()!))
                    {
                        throw new NativeSpecException($"input '{name}': gcs.uri must be gs://bucket/object");
                    }

                    var generation = source.ValueKind == JsonValueKind.Object ? Present(Member(source, "generation")) : null;
                    if (generation is { } g && !DigitsPattern().IsMatch(JsJson.ToJsString(g)))
                    {
                        throw new NativeSpecException($"input '{name}': gcs.generation must be digits");
                    }

                    records.Add(["gcs", name!, uri.Value.GetString()!, generation is { } gen && JsJson.Truthy(gen) ? JsJson.ToJsString(gen) : string.Empty]);
                    break;
            }
        }
    }

    /// <summary>Domain's SafeRelativePath rules as runner-lib.js words them; null when the name is safe.</summary>
    public static string? UnsafeRelativePath(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is empty";
        }

        if (name.Length > 255)
        {
            return "is longer than 255 characters";
        }

        if (name.Any(c => c <= '\u001f' || c is >= '\u007f' and <= '\u009f' || c is >= '\u200b' and <= '\u200f' || c is >= '\u2028' and <= '\u202e' || c is >= '\u2066' and <= '\u2069' || c == '\ufeff'))
        {
            return "holds control or formatting characters";
        }

        if (name.Contains('\\', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
        {
            return "holds '\\' or ':'";
        }

        if (name.StartsWith('/') || name.StartsWith('~'))
        {
            return "is absolute";
        }

        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                return "has an empty, '.' or '..' segment";
            }

            if (segment.StartsWith('-'))
            {
                return "has a segment starting with '-'";
            }
        }

        return null;
    }

    /// <summary>A member as <c>JSON.parse</c> leaves it: the last of repeated names.</summary>
    public static JsonElement? Member(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        JsonElement? found = null;
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals(name))
            {
                found = property.Value;
            }
        }

        return found;
    }

    private static JsonElement? Present(JsonElement? value) => value is { ValueKind: not JsonValueKind.Null } v ? v : null;

    private static string? NonEmptyString(JsonElement spec, string name) =>
        Member(spec, name) is { ValueKind: JsonValueKind.String } value && value.GetString()!.Length > 0 ? value.GetString() : null;

    /// <summary>runner-lib.js <c>positiveInteger</c>: absent or null takes the fallback; otherwise a safe integer, not negative.</summary>
    private static long? NonNegativeInteger(JsonElement? value, string name, long? fallback)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        const double MaxSafe = 9007199254740991;
        if (v.ValueKind != JsonValueKind.Number || v.GetDouble() is var d && (Math.Floor(d) != d || Math.Abs(d) > MaxSafe || d < 0))
        {
            throw new NativeSpecException($"spec.{name} must be a non-negative integer");
        }

        return (long)v.GetDouble();
    }

    private static byte[] NulJoin(IReadOnlyList<string> values)
    {
        if (values.Any(v => v.Contains('\0', StringComparison.Ordinal)))
        {
            throw new NativeSpecException("a value holds a NUL character");
        }

        return Encoding.UTF8.GetBytes(string.Concat(values.Select(v => v + "\0")));
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z")]
    private static partial Regex RunnerVersionPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"^([0-9a-f]{40}|[0-9a-f]{64})\z")]
    private static partial Regex CommitPattern();

    [GeneratedRegex(@"^gs://[a-z0-9][a-z0-9._-]*[a-z0-9]/[^\n\r\u2028\u2029]")]
    private static partial Regex GcsPattern();

    [GeneratedRegex(@"^[0-9]+\z")]
    private static partial Regex DigitsPattern();
}
