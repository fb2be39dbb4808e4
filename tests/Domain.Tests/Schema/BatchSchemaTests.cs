using System.Text;
using System.Text.Json;
using Json.Schema;
using Orchestration.Domain.Schema;
using Orchestration.Domain.Tests.Validation;
using Orchestration.Domain.Validation;

namespace Orchestration.Domain.Tests.Schema;

/// <summary>The committed schema is the generated one, and schema and validator agree on every sample and every
/// invalid-document case (evaluated by JsonSchema.Net, an independent implementation of draft 2020-12).</summary>
public sealed class BatchSchemaTests
{
    private const string SchemaFile = "docs/batch.schema.json";

    // Rules a JSON Schema cannot state: the validator alone refuses these cases, and the schema must accept them
    // (so this list cannot hide a real disagreement). docs/batch-document.md lists the same rules.
    private static readonly Dictionary<string, string> ServiceOnly = new()
    {
        ["too deep"] = "nesting depth is a reader limit, not a schema keyword",
        ["duplicate task ids ignoring case"] = "uniqueness of a member across array items, ignoring case",
        ["kind contradicts prompt"] = "kind is checked against command/prompt after defaults are merged",
        ["too many runs"] = "a sum over tasks with defaults applied",
        ["inline inputs over 3 MiB in total"] = "a sum over every input of the document",
        ["1 vCPU with 8Gi"] = "cpu and memory pairs, after defaults are merged",
        ["8 vCPU with 2Gi from defaults"] = "cpu and memory pairs, after defaults are merged",
        ["regex with backreference"] = "what the linear-time regex engine supports",
        ["invalid regex"] = "regex syntax (format: regex is an annotation in 2020-12)",
        ["syntax error with line and column"] = "not JSON: nothing to evaluate",
        ["capped batch with a claude task without maxBudgetUsd"] = "a batch-level field against every task after defaults are merged",
    };

    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(File.ReadAllText(RepositoryFiles.PathOf(SchemaFile))));

    public static TheoryData<string> Samples() => [.. Directory.GetFiles(RepositoryFiles.PathOf("samples"), "*.json").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    [Fact]
    public void CommittedSchema_EqualsGenerated()
    {
        // Arrange
        var generated = BatchSchema.ToText(BatchSchema.Default);
        var path = RepositoryFiles.PathOf(SchemaFile);
        if (Environment.GetEnvironmentVariable("ORCHESTRATION_WRITE_SCHEMA") == "1")
        {
            File.WriteAllText(path, generated);
        }

        // Act
        var committed = File.ReadAllText(path);

        // Assert
        Assert.True(generated == committed, $"{SchemaFile} is not the generated schema; regenerate it with ORCHESTRATION_WRITE_SCHEMA=1 dotnet test tests/Domain.Tests --filter CommittedSchema_EqualsGenerated");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_ValidForSchemaAndValidator_AndReferencesTheSchema(string file)
    {
        // Arrange
        var json = File.ReadAllText(Path.Combine(RepositoryFiles.PathOf("samples"), file));

        // Act
        var schema = SchemaSays(json);
        var validator = Validate(json);

        // Assert
        Assert.True(schema.Valid, $"{file}: {schema.Detail}");
        Assert.True(validator.IsValid, $"{file}: {string.Join("; ", validator.Problems)}");
        Assert.Equal("../docs/batch.schema.json", JsonDocument.Parse(json).RootElement.GetProperty("$schema").GetString());
    }

    [Fact]
    public void DesignSample_ValidForBoth()
    {
        Assert.True(SchemaSays(ValidDocumentsTests.DesignSample).Valid);
        Assert.True(Validate(ValidDocumentsTests.DesignSample).IsValid);
    }

    [Theory]
    [MemberData(nameof(InvalidDocumentsTests.Cases), MemberType = typeof(InvalidDocumentsTests))]
    public void InvalidCase_SchemaAgreesWithValidator(string name, string json, string[] expected)
    {
        // Act
        var validator = Validate(json);
        var schema = SchemaSays(json);

        // Assert
        Assert.False(validator.IsValid, $"{name}: {string.Join("; ", expected)}");
        if (ServiceOnly.ContainsKey(name))
        {
            Assert.True(schema.Valid || !schema.Parsed, $"{name} is listed as service-only, but the schema refuses it too; remove it from the list.");
        }
        else
        {
            Assert.False(schema.Valid, $"{name}: the validator refuses it ({string.Join("; ", validator.Problems)}) but the schema accepts it.");
        }
    }

    [Theory]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "preCommand": null, "postCommand": null}]}""")]
    [InlineData("""{"defaults": {"command": "make"}, "tasks": [{"id": "a"}, {"id": "b", "n": 2}]}""")]
    [InlineData("""{"defaults": {"model": "claude-opus-4-1", "maxTurns": 5}, "tasks": [{"id": "a", "command": "x"}, {"id": "b", "prompt": "y"}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "inputs": {"dir/file.txt": {"text": ""}, "b": {"base64": "eA=="}, "g": {"git": {"url": "https://github.com/o/r", "ref": "v1.2"}}, "s": {"gcs": "gs://bucket/x/"}, "k": {"bundle": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "flags": {"e": {"contains": "warn", "stream": "stderr"}, "v": {"verdictFile": "out/verdict.json"}, "j": {"jsonPath": "$['a b'][0].c", "equals": {"k": [1]}, "file": "r.json"}}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "profile": {"cpu": "2", "memory": "512Mi", "env": {"MAX_THINKING_TOKENS": "1", "LOG_LEVEL": "debug", "KEYBOARD": "us"}}}]}""")]
    [InlineData("""{"$schema": "../docs/batch.schema.json", "webhook": {"url": "https://hooks.example.com/x?y=1"}, "labels": {"team": "safety"}, "tasks": [{"id": "a.b_c-1", "prompt": "p", "allowedTools": ["Read", "Bash(git diff:*)"]}]}""")]
    public void ValidDocument_ValidForBoth(string json)
    {
        var schema = SchemaSays(json);
        var validator = Validate(json);

        Assert.True(validator.IsValid, string.Join("; ", validator.Problems));
        Assert.True(schema.Valid, schema.Detail);
    }

    [Theory]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"api_key": "x"}}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "profile": {"env": {"cloud_run_x": "x"}}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "inputs": {"a/./b": {"text": "x"}}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "inputs": {"a/-b": {"text": "x"}}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "inputs": {"a /b": {"text": "x"}}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "inputs": {"x/LPT1.txt": {"text": "x"}}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "inputs": {"a:b": {"text": "x"}}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "flag": {"contains": "x", "stream": "stdin"}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "flag": {"jsonPath": "$.x", "equals": 1, "file": "f.json", "stream": "stdout"}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "flag": {"jsonPath": "$..x", "equals": 1}}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x"}], "labels": {"x": "a\u0007b"}}""")]
    [InlineData("""{"defaults": {"prompt": "p"}, "tasks": [{"id": "a", "command": "x", "maxBudgetUsd": 1}]}""")]
    [InlineData("""{"tasks": [{"id": "a", "command": "x", "pass": {}}]}""")]
    [InlineData("""{"tasks": null}""")]
    public void InvalidDocument_InvalidForBoth(string json)
    {
        var schema = SchemaSays(json);
        var validator = Validate(json);

        Assert.False(validator.IsValid);
        Assert.False(schema.Valid, "the schema accepts a document the validator refuses: " + string.Join("; ", validator.Problems));
    }

    private static IntakeResult Validate(string json) =>
        BatchIntake.Read(Encoding.UTF8.GetBytes(json), new BatchLimits(), new BatchDefaults(), () => "generated");

    private static (bool Parsed, bool Valid, string Detail) SchemaSays(string json)
    {
        JsonDocument document;
        try
        {
            // Duplicate names have no meaning in the JSON data model a schema evaluates; refuse them as the service does.
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            return (false, false, ex.Message);
        }

        using (document)
        {
            var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            var errors = result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? [];
            return (true, result.IsValid, string.Join("; ", errors));
        }
    }
}
