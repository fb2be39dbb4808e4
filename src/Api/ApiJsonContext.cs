using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Comparison;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>Generated metadata of every type the API writes or reads (and every type they hold), its own and those of
/// the assemblies it answers from.</summary>
/// <remarks>Metadata only: the settings that shape the bytes are those of <see cref="ApiJson.Options"/> and
/// <see cref="ApiJson.Rows"/>, applied at run time as reflection applied them. A run row is a dictionary of
/// <see cref="object"/> values, each written by its run-time type: those types (<see cref="RunColumns.Values"/>)
/// are listed too.</remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(HealthAnswer))]
[JsonSerializable(typeof(Links))]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(BatchList))]
[JsonSerializable(typeof(BatchStatusDocument))]
[JsonSerializable(typeof(BatchAggregate))]
[JsonSerializable(typeof(ResultsPending))]
[JsonSerializable(typeof(RejudgeAccepted))]
[JsonSerializable(typeof(RerunAccepted))]
[JsonSerializable(typeof(BatchProgressEvent))]
[JsonSerializable(typeof(BatchEndEvent))]
[JsonSerializable(typeof(RunsPage))]
[JsonSerializable(typeof(JudgedRunsPage))]
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(BatchComparison))]
[JsonSerializable(typeof(DryRunPlan))]
[JsonSerializable(typeof(BundleStored))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
