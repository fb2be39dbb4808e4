using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Schema;

/// <summary>Descriptions, defaults and constraints of every field, from the same limits and patterns the validator uses.</summary>
/// <remarks>Patterns stay within ECMAScript regex syntax (no <c>\A</c>, <c>\z</c>, <c>\p{..}</c> or inline options) so editors
/// evaluate them as the service does; where a rule cannot be written in a schema (sums across tasks, cpu and memory pairs,
/// regex syntax, case-insensitive duplicate ids) the service alone checks it, and docs/batch-document.md lists those.</remarks>
public static partial class BatchSchema
{
    private const string Id = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
    private const string IdRule = "1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    private static void Constrain(JsonObject root, JsonObject defs, BatchLimits limits, BatchDefaults defaults)
    {
        ConstrainRoot(root, limits, defaults);
        foreach (var name in (string[])["task", "defaults"])
        {
            ConstrainTask(defs[name]!.AsObject(), limits, defaults, isDefaults: name == "defaults");
        }

        ConstrainInputs(defs, limits);
        ConstrainProfile(defs["profile"]!.AsObject(), limits, defaults);
        ConstrainRules(defs, limits);
        Field(defs["webhook"]!.AsObject(), "url", "Where the completion notice is posted: an absolute https URL without credentials"
            + (limits.AllowHttpLoopbackWebhook ? " (http to a loopback address is accepted by this host)" : string.Empty)
            + "; private, link-local, loopback and metadata addresses are refused.", s => s["pattern"] = WebhookPattern(limits));
        defs["webhook"]!["description"] = "A webhook called once when the batch ends, signed with HMAC-SHA256.";
        defs["webhook"]!["required"] = new JsonArray("url");
        EndAnchors(root);
        EndAnchors(defs);
    }

    private static void ConstrainRoot(JsonObject root, BatchLimits limits, BatchDefaults defaults)
    {
        root["required"] = new JsonArray("tasks");
        Field(root, "$schema", "The JSON Schema an editor checks this file against (such as ../docs/batch.schema.json); the service ignores it.");
        Field(root, "id", $"The batch id: {IdRule}. Omitted: derived from the Idempotency-Key header, from the file name and content (run FILE), or generated.", s => s["pattern"] = Id);
        Labels(root, "Free-form labels of the batch, copied into run rows and exports.", limits);
        Field(root, "webhook", "A webhook called once when the batch ends.");
        Field(root, "maxParallelRuns", "Upper bound of runs in flight at once.", s => Between(s, 1, limits.MaxParallelRuns), defaults.MaxParallelRuns);
        Field(root, "maxCostUsd", "The most the batch may cost in USD (Cloud Run time and Claude): a run starts only while the judged runs' cost plus "
            + "every running run's upper bound plus its own stays within it; otherwise no more runs start and the batch ends as stopped. "
            + "Every Claude task then needs maxBudgetUsd.", s =>
        {
            s["exclusiveMinimum"] = 0;
            s["maximum"] = BatchValidator.MaxCostCapUsd;
        });
        Field(root, "defaults", "Values applied to every task that does not set them: any task field but id. Scalars: the task wins; labels, inputs, profile.env and named flags merge by key; kind, command and prompt are one unit.");
        Field(root, "tasks", $"The tasks, each run n times: 1 to {limits.MaxTasks}, at most {limits.MaxRunsPerBatch} runs in total.", s =>
        {
            s["type"] = "array";
            s["minItems"] = 1;
            s["maxItems"] = limits.MaxTasks;
        });

        // Without a command or prompt in the defaults, every task names its own.
        root["if"] = new JsonObject
        {
            ["required"] = new JsonArray("defaults"),
            ["properties"] = new JsonObject { ["defaults"] = new JsonObject { ["type"] = "object", ["anyOf"] = new JsonArray(Set("command"), Set("prompt")) } },
        };
        root["else"] = new JsonObject
        {
            ["properties"] = new JsonObject { ["tasks"] = new JsonObject { ["items"] = new JsonObject { ["anyOf"] = new JsonArray(Set("command"), Set("prompt")) } } },
        };
    }

    private static void ConstrainTask(JsonObject task, BatchLimits limits, BatchDefaults defaults, bool isDefaults)
    {
        var text = $"at most {limits.MaxTextBytes / 1024} KiB (UTF-8), no NUL characters";
        if (!isDefaults)
        {
            task["description"] = "One task: a shell command or a Claude prompt, run n times.";
            task["required"] = new JsonArray("id");
            Field(task, "id", $"The task id, unique in the batch ignoring case: {IdRule}.", s => s["pattern"] = Id);
        }
        else
        {
            task["description"] = "Values for every task that does not set them (any task field but id).";
            Field(task, "id", "Not allowed here: every task has its own id.");
        }

        Labels(task, "Free-form labels copied into the task's run rows.", limits);
        Field(task, "kind", "command or claude; inferred from command or prompt when omitted.");
        Field(task, "command", $"The shell command of a command task, run by bash in /workspace; {text}.", s => Text(s, NotBlank, limits));
        Field(task, "prompt", $"The prompt of a Claude task, fed to claude -p on stdin; {text}.", s => Text(s, NotBlank, limits));
        Field(task, "systemPrompt", $"Claude only: replaces Claude's system prompt; {text}.", s => Text(s, NoNul, limits));
        Field(task, "appendSystemPrompt", $"Claude only: appended to Claude's system prompt (not with systemPrompt); {text}.", s => Text(s, NoNul, limits));
        Field(task, "model", "Claude only: the model.", s => s["pattern"] = "^[A-Za-z0-9._:@/-]{1,100}$", defaults.ClaudeModel);
        Field(task, "maxTurns", "Claude only: the turn limit; reaching it fails the run.", s => Between(s, 1, limits.MaxTurns));
        Field(task, "allowedTools", "Claude only: tools Claude may use without asking, one per entry.", Tools);
        Field(task, "disallowedTools", "Claude only: tools Claude may not use, one per entry.", Tools);
        Field(task, "preCommand", $"A shell command run before the command or Claude, in the same time limit; a non-zero exit fails the run; {text}.", s => Text(s, NoNul, limits));
        Field(task, "postCommand", $"A shell command run after the command or Claude, in the same time limit; {text}.", s => Text(s, NoNul, limits));
        Field(task, "inputs", "Named inputs, each placed at /workspace/input/{name}; names are relative paths.", s =>
            s["propertyNames"] = new JsonObject { ["pattern"] = SafePathPattern() });
        Field(task, "n", "How many times the task runs.", s => Between(s, 1, limits.MaxRunsPerTask), defaults.N);
        Field(task, "timeoutSeconds", "The time the work of one attempt (preCommand, command or Claude, postCommand) may take.", s => Between(s, 1, limits.MaxTimeoutSeconds), defaults.TimeoutSeconds);
        Field(task, "maxAttempts", "Attempts per run when infrastructure fails (a failed or timed-out run is not retried).", s => Between(s, 1, limits.MaxAttempts), defaults.MaxAttempts);
        Field(task, "maxBudgetUsd", "Claude only: the spending limit of one run in USD; reaching it fails the run.", s =>
        {
            s["exclusiveMinimum"] = 0;
            s["maximum"] = 10_000;
        });
        Field(task, "profile", "The container the task runs in.");
        Field(task, "pass", "Command only: when a command run passes.");
        Field(task, "flag", "One flag rule, named flag (not with flags).");
        Field(task, "flags", "Named flag rules; a run is flagged by each rule that matches, whatever its outcome.", s =>
        {
            s["maxProperties"] = 32;
            s["propertyNames"] = new JsonObject { ["pattern"] = Id };
        });

        var rules = new JsonArray(
            new JsonObject { ["not"] = Set("command", "prompt") },
            new JsonObject { ["not"] = Set("systemPrompt", "appendSystemPrompt") },
            new JsonObject { ["not"] = Set("flag", "flags") });
        if (isDefaults)
        {
            rules.Add((JsonNode)new JsonObject { ["not"] = new JsonObject { ["required"] = new JsonArray("id") } });
        }
        else
        {
            // A task's own fields for the other kind are refused; from the defaults they are dropped instead.
            var claudeOnly = new JsonObject();
            foreach (var field in (string[])["systemPrompt", "appendSystemPrompt", "model", "maxTurns", "allowedTools", "disallowedTools", "maxBudgetUsd"])
            {
                claudeOnly[field] = new JsonObject { ["type"] = "null" };
            }

            rules.Add((JsonNode)new JsonObject { ["if"] = Set("command"), ["then"] = new JsonObject { ["properties"] = claudeOnly } });
            rules.Add((JsonNode)new JsonObject
            {
                ["if"] = Set("prompt"),
                ["then"] = new JsonObject { ["properties"] = new JsonObject { ["pass"] = new JsonObject { ["type"] = "null" } } },
            });
        }

        task["allOf"] = rules;
    }

    private static void ConstrainInputs(JsonObject defs, BatchLimits limits)
    {
        var input = defs["input"]!.AsObject();
        input["description"] = "Where one input comes from: exactly one of text, base64, gcs, git, bundle or path.";
        Field(input, "text", $"Inline UTF-8 text written as a file; at most {limits.MaxInlineInputBytes / 1024} KiB, {limits.MaxInlineTotalBytes / 1024} KiB of inline inputs per batch.", s =>
            s["maxLength"] = limits.MaxInlineInputBytes);
        Field(input, "base64", $"Inline bytes, base64-encoded, written as a file; at most {limits.MaxInlineInputBytes / 1024} KiB decoded.", s =>
        {
            s["pattern"] = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$";
            s["maxLength"] = (limits.MaxInlineInputBytes + 2) / 3 * 4;
        });
        Field(input, "gcs", "A gs://bucket/object, or a gs://bucket/prefix/ folder.", s => s["pattern"] = "^gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]/[^\\x00-\\x1f\\x7f]{1,1024}$");
        Field(input, "git", "A git repository cloned at a ref (pinned to a commit when the batch starts).");
        Field(input, "bundle", "The SHA-256 of a bundle sent with PUT /api/inputs/{sha256}.", s => s["pattern"] = "^[0-9a-f]{64}$");
        Field(input, "path", limits.AllowPathInputs
            ? "A local file or folder (run FILE, or under the server's configured root); submit turns it into a bundle."
            : "Not accepted by this host: send the folder with PUT /api/inputs/{sha256} and name it as a bundle.", s =>
            {
                if (!limits.AllowPathInputs)
                {
                    s["type"] = "null";
                }
                else
                {
                    s["minLength"] = 1;
                    s["pattern"] = NoControl;
                }
            });
        input["oneOf"] = new JsonArray([.. ((string[])["text", "base64", "gcs", "git", "bundle", "path"]).Select(f => (JsonNode)Set(f))]);

        var git = defs["git"]!.AsObject();
        git["description"] = "A git repository input.";
        git["required"] = new JsonArray("url");
        Field(git, "url", "The https clone URL, without credentials (tokens come from Secret Manager on the job).", s =>
            s["pattern"] = "^https://[^/?#@\\s]+(?:[/?#]\\S*)?$");
        Field(git, "ref", "A branch, tag or commit (default: the remote's HEAD).", s =>
            s["pattern"] = "^(?!-)(?![\\s\\S]*\\.\\.)[^\\x00-\\x20\\x7f~^:?*\\[\\\\]{1,255}$");
    }

    private static void ConstrainProfile(JsonObject profile, BatchLimits limits, BatchDefaults defaults)
    {
        profile["description"] = "The container a task runs in. Cloud Run pairs: 1 vCPU 512Mi-4Gi, 2 vCPU 512Mi-8Gi, 4 vCPU 2Gi-16Gi, 8 vCPU 4Gi-32Gi.";
        Field(profile, "image", "The runner image.", s => s["pattern"] = "^[^\\s\\x00-\\x1f\\x7f-\\x9f]{1,512}$", defaults.Image);
        Field(profile, "cpu", "Cloud Run vCPU.", s => s["enum"] = new JsonArray("1", "2", "4", "8", null), defaults.Cpu);
        Field(profile, "memory", "Cloud Run memory: a whole number of Mi or Gi from 512Mi to 32Gi.", s => s["pattern"] = "^[1-9][0-9]{0,5}(?:Mi|Gi)$", defaults.Memory);
        Field(profile, "env", $"Non-secret environment variables (at most {limits.MaxEnvVariables}); secret-looking names and values are refused: secrets come from Secret Manager references on the job.", s =>
        {
            s["maxProperties"] = limits.MaxEnvVariables;
            s["propertyNames"] = new JsonObject { ["pattern"] = EnvNamePattern(limits) };
            var value = s["additionalProperties"]!.AsObject();
            value["maxLength"] = limits.MaxEnvValueBytes;
            value["pattern"] = NoNul;
            value["not"] = new JsonObject { ["pattern"] = SecretDetector.SecretValuePattern };
        });
    }

    private static void ConstrainRules(JsonObject defs, BatchLimits limits)
    {
        var pass = defs["pass"]!.AsObject();
        pass["description"] = "When a command run passes.";
        pass["required"] = new JsonArray("exitCodes");
        Field(pass, "exitCodes", "Exit codes that pass.", s =>
        {
            s["type"] = "array";
            s["minItems"] = 1;
            Between(s["items"]!.AsObject(), 0, 255);
        }, new JsonArray(0));

        var rule = defs["flagRule"]!.AsObject();
        rule["description"] = "One flag rule: exactly one of contains, regex, verdictFile, or jsonPath with equals.";
        Field(rule, "contains", "Flags the run when the text (see stream) contains this, ignoring case.", s =>
        {
            s["minLength"] = 1;
            s["maxLength"] = limits.MaxContainsLength;
        });
        Field(rule, "regex", "Flags the run when this .NET regular expression (linear-time engine: no backreferences or lookarounds) matches the text (see stream).", s =>
        {
            s["minLength"] = 1;
            s["maxLength"] = limits.MaxRegexLength;
            s["format"] = "regex";
        });
        Field(rule, "verdictFile", "Flags the run when this file under /workspace/output holds {\"flagged\": true}.", s => s["pattern"] = SafePathPattern());
        Field(rule, "jsonPath", "A path such as $.verdict.flagged ($ then .name, ['name'] or [index] steps) into the JSON of the text (see stream) or of file.", s =>
            s["pattern"] = "^\\$(?:\\.[^.\\[]+|\\['(?:[^'\\\\]|\\\\[\\s\\S])*'\\]|\\[\"(?:[^\"\\\\]|\\\\[\\s\\S])*\"\\]|\\[(?:0|[1-9][0-9]*)\\])*$");
        Field(rule, "equals", "With jsonPath: the JSON value that flags the run.");
        Field(rule, "file", "With jsonPath: the file under /workspace/output to read instead of the text.", s => s["pattern"] = SafePathPattern());
        Field(rule, "stream", "The text contains, regex and a file-less jsonPath read: response (Claude's final result text, or the command's stdout), stdout (stdout of preCommand, command and postCommand) or stderr (stderr of all three and the runner's notes).", null, "response");
        rule["oneOf"] = new JsonArray([.. ((string[])["contains", "regex", "verdictFile", "jsonPath"]).Select(f => (JsonNode)Set(f))]);
        rule["dependentRequired"] = new JsonObject
        {
            ["jsonPath"] = new JsonArray("equals"),
            ["equals"] = new JsonArray("jsonPath"),
            ["file"] = new JsonArray("jsonPath"),
        };
        rule["allOf"] = new JsonArray(new JsonObject
        {
            ["if"] = Set("stream"),
            ["then"] = new JsonObject { ["properties"] = new JsonObject { ["verdictFile"] = new JsonObject { ["type"] = "null" }, ["file"] = new JsonObject { ["type"] = "null" } } },
        });
    }

    private static void Labels(JsonObject owner, string description, BatchLimits limits) =>
        Field(owner, "labels", $"{description} At most {limits.MaxLabels}; names {IdRule}; values at most {limits.MaxLabelValueLength} characters.", s =>
        {
            s["maxProperties"] = limits.MaxLabels;
            s["propertyNames"] = new JsonObject { ["pattern"] = Id };
            var value = s["additionalProperties"]!.AsObject();
            value["maxLength"] = limits.MaxLabelValueLength;
            value["pattern"] = NoControl;
        });

    private static void Tools(JsonObject schema)
    {
        var item = schema["items"]!.AsObject();
        item["pattern"] = $"^(?=[\\s\\S]*\\S)[^,{CharClass(char.IsControl)}]{{1,200}}$";
    }

    private static void Text(JsonObject schema, string pattern, BatchLimits limits)
    {
        // Characters, not bytes: the service counts UTF-8 bytes, so non-ASCII text meets its limit sooner.
        schema["maxLength"] = limits.MaxTextBytes;
        schema["pattern"] = pattern;
    }

    // .NET's '$' (used by .NET schema validators) also matches before a final newline; ECMAScript's does not.
    // A lookahead for no newline after the final '$' makes both mean "end of the string".
    private static void EndAnchors(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["pattern"] is JsonValue value && value.GetValue<string>() is var pattern && pattern.EndsWith('$') && !pattern.EndsWith("\\$", StringComparison.Ordinal))
                {
                    obj["pattern"] = pattern + "(?!\\n)";
                }

                foreach (var (_, child) in obj.ToList())
                {
                    EndAnchors(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    EndAnchors(child);
                }

                break;
        }
    }

    private static void Between(JsonObject schema, int min, int max)
    {
        schema["minimum"] = min;
        schema["maximum"] = max;
    }

    // Sets a property's description (and default), and lets the caller constrain its non-null form.
    private static void Field(JsonObject owner, string name, string description, Action<JsonObject>? constrain = null, JsonNode? @default = null)
    {
        var property = owner["properties"]![name]?.AsObject() ?? throw new InvalidOperationException($"The batch schema has no field '{name}'.");
        var value = property["anyOf"] is JsonArray branches ? branches[0]!.AsObject() : property;
        constrain?.Invoke(value);
        property.Insert(0, "description", description);
        if (@default is not null)
        {
            property["default"] = @default;
        }
    }

    // Matches an object in which every named field is present and not null.
    private static JsonObject Set(params string[] names)
    {
        var properties = new JsonObject();
        foreach (var name in names)
        {
            properties[name] = new JsonObject { ["not"] = new JsonObject { ["type"] = "null" } };
        }

        return new JsonObject { ["required"] = new JsonArray([.. names.Select(n => (JsonNode)n)]), ["properties"] = properties };
    }

    private static string NotBlank => "^(?=[\\s\\S]*\\S)[^\\x00]*$";

    private static string NoNul => "^[^\\x00]*$";

    private static string NoControl => $"^[^{CharClass(char.IsControl)}]*$";

    private static string WebhookPattern(BatchLimits limits)
    {
        const string Https = "https://[^/?#@\\s]+(?:[/?#]\\S*)?";
        return limits.AllowHttpLoopbackWebhook
            ? $"^(?:{Https}|http://(?:localhost|127(?:\\.[0-9]{{1,3}}){{3}}|\\[::1\\])(?::[0-9]{{1,5}})?(?:[/?#]\\S*)?)$"
            : $"^{Https}$";
    }

    // SafeRelativePath as a pattern: relative, no control or invisible characters, no '\' or ':', no empty, '.'
    // or '..' segment, no reserved device name, no segment starting with '-' or ending with a space.
    private static string SafePathPattern()
    {
        var hidden = CharClass(c =>
        {
            var category = char.GetUnicodeCategory(c);
            return char.IsControl(c) || category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
        });
        var reserved = string.Join("|", SafeRelativePath.ReservedSegments.Order(StringComparer.Ordinal).Select(IgnoreCase));
        return "^(?![/~])"
            + "(?!(?:[^/]*/)*\\.{0,2}(?:/|$))"
            + $"(?!(?:[^/]*/)*(?:{reserved})(?:[./]|$))"
            + "(?!(?:[^/]*/)*-)"
            + "(?!(?:[^/]*/)*[^/]* (?:/|$))"
            + $"[^\\\\:{hidden}]{{1,{SafeRelativePath.MaxLength}}}$";
    }

    private static string EnvNamePattern(BatchLimits limits)
    {
        var allowed = string.Join("|", limits.AllowedSecretLookingEnvNames.Select(IgnoreCase));
        var reserved = string.Join("|", BatchValidator.ReservedEnvPrefixes.Select(IgnoreCase));
        var secret = string.Join("|", SecretDetector.SecretNameParts.Order(StringComparer.Ordinal).Select(IgnoreCase));
        return $"^(?!{reserved})(?:{allowed}|(?!(?:[A-Za-z0-9]*_+)*(?:{secret})(?:_|$))[A-Za-z_][A-Za-z0-9_]{{0,127}})$";
    }

    // ECMAScript regexes have no inline (?i): spell each letter as a class.
    private static string IgnoreCase(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetter(c) ? $"[{char.ToUpperInvariant(c)}{char.ToLowerInvariant(c)}]" : c == '_' ? "_" : Escape(c));
        }

        return builder.ToString();
    }

    private static string Escape(char c) => char.IsAsciiLetterOrDigit(c) ? c.ToString() : $"\\u{(int)c:x4}";

    // A character class body (without brackets) of every BMP character the predicate accepts, as \uXXXX ranges.
    private static string CharClass(Func<char, bool> predicate)
    {
        var builder = new StringBuilder();
        var start = -1;
        for (var code = 0; code <= 0x10000; code++)
        {
            var inside = code < 0x10000 && !char.IsSurrogate((char)code) && predicate((char)code);
            if (inside && start < 0)
            {
                start = code;
            }
            else if (!inside && start >= 0)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{start:x4}");
                if (code - 1 > start)
                {
                    builder.Append(CultureInfo.InvariantCulture, $"-\\u{code - 1:x4}");
                }

                start = -1;
            }
        }

        return builder.ToString();
    }
}
