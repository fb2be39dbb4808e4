using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Tests.Validation;

/// <summary>A table of invalid batch documents, each with the exact problems a user is told.</summary>
public sealed class InvalidDocumentsTests
{
    private const string IdRule = "A task id is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.";
    private const string SecretName = "This name looks like a secret. Secrets never go in a batch: reference them from Secret Manager on the Cloud Run job (see the deployment guide).";
    private const string SecretValue = "This value looks like a credential. Secrets never go in a batch: reference them from Secret Manager on the Cloud Run job (see the deployment guide).";
    private const string OneSource = "Set exactly one of text, base64, gcs, git, bundle or path.";

    public static TheoryData<string, string, string[]> Cases() => new()
    {
        { "broken JSON", """{"tasks": [""", ["$: Not valid JSON at line 1, column 12: Expected depth to be zero at the end of the JSON payload."] },
        { "not an object", """[1,2]""", ["$: Wrong type or value: expected an object."] },
        { "unknown top-level field", """{"taks": []}""", ["taks: Unknown field; check its spelling (names are camelCase).", "tasks: At least one task is required."] },
        { "unknown task field", """{"tasks": [{"id": "a", "command": "x", "comand": "y"}]}""", ["tasks[0].comand: Unknown field; check its spelling (names are camelCase)."] },
        { "unknown rule field", """{"tasks": [{"id": "a", "command": "x", "flag": {"contain": "x"}}]}""", ["tasks[0].flag.contain: Unknown field; check its spelling (names are camelCase).", "tasks[0].flag: Set exactly one of contains, regex, verdictFile, or jsonPath with equals."] },
        { "PascalCase field", """{"Tasks": []}""", ["Tasks: Unknown field; check its spelling (names are camelCase).", "tasks: At least one task is required."] },
        { "n as a string", """{"tasks": [{"id": "a", "command": "x", "n": "5"}]}""", ["tasks[0].n: Wrong type or value: expected a whole number."] },
        { "n fractional", """{"tasks": [{"id": "a", "command": "x", "n": 1.5}]}""", ["tasks[0].n: Wrong type or value: expected a whole number."] },
        { "kind unknown", """{"tasks": [{"id": "a", "kind": "shell", "command": "x"}]}""", ["tasks[0].kind: Wrong type or value: expected \"command\" or \"claude\"."] },
        { "kind as a number", """{"tasks": [{"id": "a", "kind": 0, "command": "x"}]}""", ["tasks[0].kind: Wrong type or value: expected \"command\" or \"claude\"."] },
        { "duplicate property", """{"tasks": [{"id": "a", "id": "b", "command": "x"}]}""", ["tasks[0].id: Duplicate field; each field may appear once."] },
        { "too deep", """{"tasks": [{"id": "a", "command": "x", "flag": {"jsonPath": "$.x", "equals": """ + new string('[', 40) + new string(']', 40) + "}}]}", ["tasks[0].flag.equals: The document is nested deeper than 32 levels."] },
        { "no tasks", """{"id": "b1"}""", ["tasks: At least one task is required."] },
        { "empty tasks", """{"tasks": []}""", ["tasks: At least one task is required."] },
        { "null task", """{"tasks": [null]}""", ["tasks[0]: Must be an object, not null."] },
        { "bad batch id", """{"id": "-x", "tasks": [{"id": "a", "command": "x"}]}""", ["id: A batch id is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit."] },
        { "batch id with trailing newline", "{\"id\": \"abc\\n\", \"tasks\": [{\"id\": \"a\", \"command\": \"x\"}]}", ["id: A batch id is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit."] },
        { "batch id 65 chars", $$$$"""{"id": "{{{{new string('a', 65)}}}}", "tasks": [{"id": "a", "command": "x"}]}""", ["id: A batch id is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit."] },
        { "unicode lookalike id", """{"tasks": [{"id": "tаsk", "command": "x"}]}""", ["tasks[0].id: " + IdRule] },
        { "task without id", """{"tasks": [{"command": "x"}]}""", ["tasks[0].id: Every task needs an id."] },
        { "duplicate task ids ignoring case", """{"tasks": [{"id": "a", "command": "x"}, {"id": "A", "command": "y"}]}""", ["tasks[1].id: Duplicate task id 'A' (also tasks[0]; ids are compared ignoring case)."] },
        { "neither command nor prompt", """{"tasks": [{"id": "a"}]}""", ["tasks[0]: Set command (a shell command) or prompt (a Claude prompt)."] },
        { "both command and prompt", """{"tasks": [{"id": "a", "command": "x", "prompt": "y"}]}""", ["tasks[0]: Set command (a shell command) or prompt (a Claude prompt), not both."] },
        { "kind contradicts prompt", """{"tasks": [{"id": "a", "kind": "command", "prompt": "y"}]}""", ["tasks[0].kind: A command task needs a command, not a prompt."] },
        { "empty command", """{"tasks": [{"id": "a", "command": "  "}]}""", ["tasks[0].command: Must not be empty."] },
        { "oversized prompt", $$$$"""{"tasks": [{"id": "a", "prompt": "{{{{new string('p', 256 * 1024 + 1)}}}}"}]}""", ["tasks[0].prompt: Must be at most 256 KiB; put large content in an input."] },
        { "claude field on a command task", """{"tasks": [{"id": "a", "command": "x", "model": "claude-opus-4-1", "maxTurns": 3}]}""", ["tasks[0].model: model applies only to claude tasks (tasks with a prompt).", "tasks[0].maxTurns: maxTurns applies only to claude tasks (tasks with a prompt)."] },
        { "pass on a claude task", """{"tasks": [{"id": "a", "prompt": "x", "pass": {"exitCodes": [0]}}]}""", ["tasks[0].pass: pass applies only to command tasks; a Claude run passes when Claude reports success."] },
        { "both system prompts", """{"tasks": [{"id": "a", "prompt": "x", "systemPrompt": "s", "appendSystemPrompt": "t"}]}""", ["tasks[0].appendSystemPrompt: Set systemPrompt or appendSystemPrompt, not both."] },
        { "n zero", """{"tasks": [{"id": "a", "command": "x", "n": 0}]}""", ["tasks[0].n: Must be between 1 and 1000."] },
        { "n too large", """{"tasks": [{"id": "a", "command": "x", "n": 1001}]}""", ["tasks[0].n: Must be between 1 and 1000."] },
        { "too many runs", """{"defaults": {"n": 1000}, "tasks": [{"id": "a", "command": "x"}, {"id": "b", "command": "x"}, {"id": "c", "command": "x"}, {"id": "d", "command": "x"}, {"id": "e", "command": "x"}, {"id": "f", "command": "x"}, {"id": "g", "command": "x"}, {"id": "h", "command": "x"}, {"id": "i", "command": "x"}, {"id": "j", "command": "x"}, {"id": "k", "command": "x", "n": 1}]}""", ["tasks: The batch has 10001 runs; at most 10000 are allowed."] },
        { "timeout over 24 h", """{"tasks": [{"id": "a", "command": "x", "timeoutSeconds": 86401}]}""", ["tasks[0].timeoutSeconds: Must be between 1 and 86400."] },
        { "maxAttempts 6", """{"tasks": [{"id": "a", "command": "x", "maxAttempts": 6}]}""", ["tasks[0].maxAttempts: Must be between 1 and 5."] },
        { "maxParallelRuns 0", """{"maxParallelRuns": 0, "tasks": [{"id": "a", "command": "x"}]}""", ["maxParallelRuns: Must be between 1 and 1000."] },
        { "negative budget", """{"tasks": [{"id": "a", "prompt": "x", "maxBudgetUsd": -1}]}""", ["tasks[0].maxBudgetUsd: Must be more than 0 and at most 10000."] },
        { "traversal input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"../etc": {"text": "x"}}}]}""", ["tasks[0].inputs['../etc']: Invalid input name: Must not contain empty, '.' or '..' segments: it would escape or confuse the workspace."] },
        { "absolute input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"/etc/passwd": {"text": "x"}}}]}""", ["tasks[0].inputs['/etc/passwd']: Invalid input name: Must be a relative path inside the workspace, not an absolute one."] },
        { "NUL in input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"a\u0000b": {"text": "x"}}}]}""", ["tasks[0].inputs['a\\u0000b']: Invalid input name: Must not contain control or invisible formatting characters."] },
        { "right-to-left override in input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"a\u202Etxt.sh": {"text": "x"}}}]}""", ["tasks[0].inputs['a\\u202etxt.sh']: Invalid input name: Must not contain control or invisible formatting characters."] },
        { "reserved input name", """{"tasks": [{"id": "a", "command": "x", "inputs": {"con.txt": {"text": "x"}}}]}""", ["tasks[0].inputs['con.txt']: Invalid input name: 'con.txt' is a reserved device name on some systems."] },
        { "input with two sources", """{"tasks": [{"id": "a", "command": "x", "inputs": {"f": {"text": "x", "base64": "eA=="}}}]}""", ["tasks[0].inputs.f: " + OneSource] },
        { "input with no source", """{"tasks": [{"id": "a", "command": "x", "inputs": {"f": {}}}]}""", ["tasks[0].inputs.f: " + OneSource] },
        { "bad base64", """{"tasks": [{"id": "a", "command": "x", "inputs": {"f": {"base64": "not base64!"}}}]}""", ["tasks[0].inputs.f.base64: Not valid base64."] },
        { "bad gcs uri", """{"tasks": [{"id": "a", "command": "x", "inputs": {"d": {"gcs": "https://bucket/x"}}}]}""", ["tasks[0].inputs.d.gcs: Must be gs://bucket/object or gs://bucket/prefix/ (a valid bucket name and a non-empty object name)."] },
        { "git over ssh", """{"tasks": [{"id": "a", "command": "x", "inputs": {"r": {"git": {"url": "git@github.com:o/r.git"}}}}]}""", ["tasks[0].inputs.r.git.url: Must be an https clone URL."] },
        { "git url with a token", """{"tasks": [{"id": "a", "command": "x", "inputs": {"r": {"git": {"url": "https://x:tok@github.com/o/r"}}}}]}""", ["tasks[0].inputs.r.git.url: Must not carry credentials; git tokens come from Secret Manager references on the job."] },
        { "git ref option injection", """{"tasks": [{"id": "a", "command": "x", "inputs": {"r": {"git": {"url": "https://github.com/o/r", "ref": "--upload-pack=x"}}}}]}""", ["tasks[0].inputs.r.git.ref: A git ref is 1 to 255 characters, does not start with '-' and has no spaces, '..', or any of ~^:?*[\\."] },
        { "bundle not a sha256", """{"tasks": [{"id": "a", "command": "x", "inputs": {"b": {"bundle": "ABC"}}}]}""", ["tasks[0].inputs.b.bundle: Must be the 64 lowercase hex characters of the bundle's SHA-256."] },
        { "inline input over 1 MiB", $$$$"""{"tasks": [{"id": "a", "command": "x", "inputs": {"big": {"text": "{{{{new string('x', 1024 * 1024 + 1)}}}}"}}}]}""", ["tasks[0].inputs.big.text: An inline input is at most 1024 KiB; larger content goes in a bundle, gcs or git input."] },
        { "inline inputs over 3 MiB in total", $$$$"""{"tasks": [{"id": "a", "command": "x", "inputs": {"a": {"text": "{{{{new string('x', 1024 * 1024)}}}}"}, "b": {"text": "{{{{new string('x', 1024 * 1024)}}}}"}, "c": {"text": "{{{{new string('x', 1024 * 1024)}}}}"}, "d": {"text": "x"}}}]}""", ["$: Inline inputs total 3072 KiB; at most 3072 KiB are allowed. Move large inputs to bundles, gcs or git."] },
        { "cpu 3", """{"tasks": [{"id": "a", "command": "x", "profile": {"cpu": "3"}}]}""", ["tasks[0].profile.cpu: Cloud Run jobs take cpu \"1\", \"2\", \"4\" or \"8\"."] },
        { "memory without unit", """{"tasks": [{"id": "a", "command": "x", "profile": {"memory": "2048"}}]}""", ["tasks[0].profile.memory: Memory is a whole number of Mi or Gi between 512Mi and 32Gi, such as \"512Mi\" or \"2Gi\"."] },
        { "1 vCPU with 8Gi", """{"tasks": [{"id": "a", "command": "x", "profile": {"cpu": "1", "memory": "8Gi"}}]}""", ["tasks[0].profile: Cloud Run does not accept 1 vCPU with 8Gi: with 1 vCPU memory is 512Mi to 4Gi."] },
        { "8 vCPU with 2Gi from defaults", """{"defaults": {"profile": {"memory": "2Gi"}}, "tasks": [{"id": "a", "command": "x", "profile": {"cpu": "8"}}]}""", ["tasks[0].profile: Cloud Run does not accept 8 vCPU with 2Gi: with 8 vCPU memory is 4Gi to 32Gi."] },
        { "secret-looking env name", """{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"GITHUB_TOKEN": "abc"}}}]}""", ["tasks[0].profile.env.GITHUB_TOKEN: " + SecretName] },
        { "secret-looking env value", """{"defaults": {"profile": {"env": {"CONFIG": "sk-ant-api03-abcdef"}}}, "tasks": [{"id": "a", "command": "x"}]}""", ["defaults.profile.env.CONFIG: " + SecretValue] },
        { "AWS key value", """{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"AWS_ID": "AKIAIOSFODNN7EXAMPLE"}}}]}""", ["tasks[0].profile.env.AWS_ID: " + SecretValue] },
        { "runner env override", """{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"RUN_PREFIX": "x"}}}]}""", ["tasks[0].profile.env.RUN_PREFIX: Names starting with RUN_, CLOUD_RUN_ or ORCHESTRATION_ are set by the runner."] },
        { "bad env name", """{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"1X": "y"}}}]}""", ["tasks[0].profile.env['1X']: An environment variable name is letters, digits and '_', not starting with a digit."] },
        { "empty exit codes", """{"tasks": [{"id": "a", "command": "x", "pass": {"exitCodes": []}}]}""", ["tasks[0].pass.exitCodes: List at least one exit code that passes."] },
        { "exit code 256", """{"tasks": [{"id": "a", "command": "x", "pass": {"exitCodes": [0, 256]}}]}""", ["tasks[0].pass.exitCodes[1]: An exit code is between 0 and 255."] },
        { "flag and flags", """{"tasks": [{"id": "a", "command": "x", "flag": {"contains": "x"}, "flags": {"b": {"contains": "y"}}}]}""", ["tasks[0].flags: Set flag (one rule) or flags (named rules), not both."] },
        { "rule with two kinds", """{"tasks": [{"id": "a", "command": "x", "flag": {"contains": "x", "regex": "y"}}]}""", ["tasks[0].flag: Set exactly one of contains, regex, verdictFile, or jsonPath with equals."] },
        { "regex with backreference", """{"tasks": [{"id": "a", "command": "x", "flags": {"dup": {"regex": "(a)\\1"}}}]}""", ["tasks[0].flags.dup.regex: Not supported by the linear-time regex engine (no backreferences, lookarounds or atomic groups): RegexOptions.NonBacktracking is not supported in conjunction with expressions containing: 'backreference (\\ number)'."] },
        { "catastrophic regex too long", $$$$"""{"tasks": [{"id": "a", "command": "x", "flag": {"regex": "{{{{string.Concat(Enumerable.Repeat("(a+)+", 201))}}}}"}}]}""", ["tasks[0].flag.regex: A regex is 1 to 1000 characters."] },
        { "invalid regex", """{"tasks": [{"id": "a", "command": "x", "flag": {"regex": "(unclosed"}}]}""", ["tasks[0].flag.regex: Not a valid regular expression: Invalid pattern '(unclosed' at offset 9. Not enough )'s."] },
        { "jsonPath without equals", """{"tasks": [{"id": "a", "command": "x", "flag": {"jsonPath": "$.flagged"}}]}""", ["tasks[0].flag.equals: A jsonPath rule needs equals: the value that flags the run."] },
        { "jsonPath filter expression", """{"tasks": [{"id": "a", "command": "x", "flag": {"jsonPath": "$..items[?(@.x)]", "equals": true}}]}""", ["tasks[0].flag.jsonPath: Use a simple path: $ followed by .name, ['name'] or [index] steps, such as $.verdict.flagged."] },
        { "equals without jsonPath", """{"tasks": [{"id": "a", "command": "x", "flag": {"contains": "x", "equals": true}}]}""", ["tasks[0].flag: equals and file go only with jsonPath."] },
        { "verdict file outside output", """{"tasks": [{"id": "a", "command": "x", "flag": {"verdictFile": "../verdict.json"}}]}""", ["tasks[0].flag.verdictFile: Must be a path inside /workspace/output: Must not contain empty, '.' or '..' segments: it would escape or confuse the workspace."] },
        { "bad flag name", """{"tasks": [{"id": "a", "command": "x", "flags": {"has space": {"contains": "x"}}}]}""", ["tasks[0].flags['has space']: A flag name is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit."] },
        { "http webhook", """{"webhook": {"url": "http://hooks.example.com/x"}, "tasks": [{"id": "a", "command": "x"}]}""", ["webhook.url: Must use https."] },
        { "webhook with credentials", """{"webhook": {"url": "https://u:p@hooks.example.com/x"}, "tasks": [{"id": "a", "command": "x"}]}""", ["webhook.url: Must not carry credentials; the webhook is signed with the configured secret instead."] },
        { "relative webhook", """{"webhook": {"url": "/hooks"}, "tasks": [{"id": "a", "command": "x"}]}""", ["webhook.url: Must be an absolute URL."] },
        { "defaults with an id", """{"defaults": {"id": "x"}, "tasks": [{"id": "a", "command": "x"}]}""", ["defaults.id: Defaults cannot set an id; every task has its own."] },
        { "tool with a comma", """{"tasks": [{"id": "a", "prompt": "x", "allowedTools": ["Read,Write"]}]}""", ["tasks[0].allowedTools[0]: A tool must not contain ','; list each tool as its own entry."] },
        { "bad label name", """{"labels": {"a b": "c"}, "tasks": [{"id": "a", "command": "x"}]}""", ["labels['a b']: A label name is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit."] },
        {
            "unknown field, wrong type and range error in three places",
            """{"tasks": [{"id": "a", "command": "x", "comand": "y"}, {"id": "b", "command": "x", "n": "5"}, {"id": "c", "command": "x", "timeoutSeconds": 0}]}""",
            ["tasks[0].comand: Unknown field; check its spelling (names are camelCase).", "tasks[1].n: Wrong type or value: expected a whole number.", "tasks[2].timeoutSeconds: Must be between 1 and 86400."]
        },
        {
            "every shape problem, not the first",
            """{"id": 7, "labels": {"a": 1}, "tasks": [{"id": "a", "command": "x", "n": true, "inputs": {"f": {"text": "x", "txt": "y"}}, "flags": {"v": {"contains": "x", "stream": "stdin"}}}, "not a task"]}""",
            ["id: Wrong type or value: expected a string.", "labels.a: Wrong type or value: expected a string.", "tasks[0].n: Wrong type or value: expected a whole number.", "tasks[0].inputs.f.txt: Unknown field; check its spelling (names are camelCase).", "tasks[0].flags.v.stream: Wrong type or value: expected \"response\" or \"stdout\" or \"stderr\".", "tasks[1]: Wrong type or value: expected an object."]
        },
        { "wrong type is not also reported missing", """{"tasks": [{"id": "a", "command": 5}]}""", ["tasks[0].command: Wrong type or value: expected a string."] },
        { "tasks of the wrong type", """{"tasks": {"id": "a"}}""", ["tasks: Wrong type or value: expected an array."] },
        { "syntax error with line and column", "{\n  \"tasks\": [\n    {\"id\": \"a\",\n     \"command\": }\n  ]\n}", ["$: Not valid JSON at line 4, column 17: '}' is an invalid start of a value."] },
        { "trailing comma", """{"tasks": [{"id": "a", "command": "x"},]}""", ["$: Not valid JSON at line 1, column 40: The JSON array contains a trailing comma at the end which is not supported in this mode."] },
        { "empty body", "", ["$: Not valid JSON at line 1, column 1: The input does not contain any JSON tokens."] },
        { "null document", "null", ["$: The batch document must be a JSON object, not null."] },
        { "maxCostUsd zero", """{"maxCostUsd": 0, "tasks": [{"id": "a", "command": "x"}]}""", ["maxCostUsd: Must be more than 0 and at most 1000000."] },
        { "maxCostUsd negative", """{"maxCostUsd": -5, "tasks": [{"id": "a", "command": "x"}]}""", ["maxCostUsd: Must be more than 0 and at most 1000000."] },
        { "maxCostUsd as a string", """{"maxCostUsd": "5", "tasks": [{"id": "a", "command": "x"}]}""", ["maxCostUsd: Wrong type or value: expected a number."] },
        {
            "capped batch with a claude task without maxBudgetUsd",
            """{"maxCostUsd": 5, "tasks": [{"id": "a", "command": "x"}, {"id": "b", "prompt": "y", "maxBudgetUsd": 1}, {"id": "c", "kind": "claude", "prompt": "z"}]}""",
            ["tasks[2].maxBudgetUsd: A batch with maxCostUsd needs maxBudgetUsd on every Claude task: without it a run's cost has no upper bound, so the cap could not be kept."]
        },
        { "stream on a verdict file rule", """{"tasks": [{"id": "a", "command": "x", "flag": {"verdictFile": "v.json", "stream": "stderr"}}]}""", ["tasks[0].flag.stream: stream goes with contains, regex or a jsonPath without file; a file rule reads its file."] },
        {
            "several problems at once",
            """{"id": "bad id", "tasks": [{"id": "a", "command": "x", "n": 0}, {"id": "b", "prompt": "", "maxAttempts": 9}]}""",
            ["id: A batch id is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.", "tasks[0].n: Must be between 1 and 1000.", "tasks[1].prompt: Must not be empty.", "tasks[1].maxAttempts: Must be between 1 and 5."]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Read_InvalidDocument_ReportsExactProblems(string name, string json, string[] expected)
    {
        // Arrange
        var limits = new BatchLimits();

        // Act
        var result = BatchIntake.Read(System.Text.Encoding.UTF8.GetBytes(json), limits, new BatchDefaults(), () => "generated");

        // Assert
        Assert.False(result.IsValid, name);
        Assert.Equal(expected, result.Problems.Select(p => p.ToString()).ToArray());
    }

    [Fact]
    public void Cases_AtLeastThirty()
    {
        Assert.True(Cases().Count >= 30);
    }
}
