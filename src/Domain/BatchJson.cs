using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Orchestration.Domain;

/// <summary>The one set of JSON options for batch documents, results and every durable payload.</summary>
/// <remarks>
/// <para>camelCase, enums as camelCase strings (<see cref="CamelCaseEnumConverter{TEnum}"/> on each enum), unknown
/// members rejected, bounded depth, duplicate properties refused: a document means one thing or is refused.</para>
/// <para>Type metadata comes from source-generated contexts, not reflection, so the options work in a natively
/// compiled host: <see cref="Create"/> chains an assembly's own context before this one's.</para>
/// </remarks>
public static class BatchJson
{
    /// <summary>Maximum nesting accepted in a batch document.</summary>
    public const int MaxDepth = 32;

    /// <summary>Options for reading and writing documents.</summary>
    /// <remarks>The domain's types from generated metadata. Types of assemblies not yet on generated metadata are
    /// read by reflection, where reflection is enabled (a host compiled natively disables it, and then each of its
    /// types must come from a context: <see cref="Create"/>).</remarks>
    public static JsonSerializerOptions Options { get; } = CreateWithReflectionFallback();

    /// <summary>Options with exactly the settings of <see cref="Options"/>, reading type metadata from
    /// <paramref name="resolvers"/> first, then the domain's own.</summary>
    /// <param name="resolvers">The calling assembly's source-generated contexts (and any it relies on).</param>
    /// <returns>Read-only options.</returns>
    public static JsonSerializerOptions Create(params IJsonTypeInfoResolver[] resolvers)
    {
        ArgumentNullException.ThrowIfNull(resolvers);
        var options = Settings();
        foreach (var resolver in resolvers)
        {
            options.TypeInfoResolverChain.Add(resolver);
        }

        options.TypeInfoResolverChain.Add(DomainJsonContext.Default);
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The metadata of <typeparamref name="T"/> under <paramref name="options"/> (what <see cref="JsonSerializer"/>'s
    /// overloads that take options look up inside): serialization that works wherever the options' resolvers know the type.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="options">Read-only options with a resolver.</param>
    /// <returns>The metadata.</returns>
    public static JsonTypeInfo<T> Info<T>(this JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }

    private static JsonSerializerOptions Settings() => new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
        MaxDepth = MaxDepth,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The reflection resolver is added only where reflection-based serialization is enabled; a natively compiled host disables it and reads every type from generated metadata.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "As above: never added where reflection is disabled.")]
    private static JsonSerializerOptions CreateWithReflectionFallback()
    {
        var options = Settings();
        options.TypeInfoResolverChain.Add(DomainJsonContext.Default);
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            options.TypeInfoResolverChain.Add(new DefaultJsonTypeInfoResolver());
        }

        options.MakeReadOnly();
        return options;
    }
}
