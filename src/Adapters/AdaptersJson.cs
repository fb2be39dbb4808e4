using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Activities.Stores;
using Orchestration.Domain;

namespace Orchestration.Adapters;

/// <summary>The product's JSON options (<see cref="BatchJson"/>'s settings) for the types the adapters store.</summary>
/// <remarks>Type metadata from <see cref="AdaptersJsonContext"/> then the domain's, never from reflection, so the
/// stores work in a natively compiled host; the settings, and so the bytes, are <see cref="BatchJson.Options"/>'.</remarks>
internal static class AdaptersJson
{
    /// <summary>Options for the adapters' batch and payload types (stored run rows).</summary>
    public static JsonSerializerOptions Options { get; } = BatchJson.Create(AdaptersJsonContext.Default);
}

/// <summary>Generated metadata of the types the adapters read and write.</summary>
/// <remarks>
/// <para>Metadata only: the settings that shape the bytes are the runtime options', as with reflection. <see cref="RunRow"/>
/// goes through <see cref="AdaptersJson.Options"/>.</para>
/// <para><see cref="JsonElement"/> is read with this context's own options, the web defaults (what
/// <c>ReadFromJsonAsync</c> used without options): Google's answers, read as documents.</para>
/// </remarks>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, GenerationMode = JsonSourceGenerationMode.Metadata)]
[JsonSerializable(typeof(RunRow))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class AdaptersJsonContext : JsonSerializerContext;
