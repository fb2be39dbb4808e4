using DurableTask.AzureStorage;

namespace Orchestration.Workflows.Tests.Engines;

/// <summary>Names a Google.Protobuf map in a queue message as the plain dictionary it holds, so that
/// DurableTask.AzureStorage can read the message back.</summary>
/// <remarks>
/// Why: the test host's sidecar (0.2.3-preview.1) passes the protobuf request's <c>MapField&lt;string, string&gt;</c>
/// on as the <c>Tags</c> of the <c>ExecutionStartedEvent</c> that starts a sub-orchestration. DurableTask.AzureStorage
/// writes queue messages with Json.NET <c>TypeNameHandling.Objects</c>, naming each type by its full name without
/// an assembly, and reads a type outside DurableTask with <c>Type.GetType(name)</c>, which finds no type of the
/// Google.Protobuf assembly: the child's start message fails to deserialize ("Could not resolve type
/// 'Google.Protobuf.Collections.MapField`2'") and goes back to the control queue for ever. Written as a
/// <see cref="Dictionary{TKey, TValue}"/> (Json.NET writes the map as the dictionary it is), it reads back as one.
/// Every other type is named exactly as the storage provider names it without a binder.
/// </remarks>
internal sealed class ProtobufMapTypeBinder : ICustomTypeBinder
{
    public void BindToName(Type serializedType, out string assemblyName, out string typeName)
    {
        ArgumentNullException.ThrowIfNull(serializedType);
        assemblyName = null!;
        typeName = IsProtobufMap(serializedType) ? typeof(Dictionary<string, string>).FullName! : serializedType.FullName!;
    }

    // Null: the storage provider resolves the name as it does without a binder.
    public Type BindToType(string assemblyName, string typeName) => null!;

    private static bool IsProtobufMap(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Google.Protobuf.Collections.MapField<,>) &&
        type.GetGenericArguments() is [var key, var value] && key == typeof(string) && value == typeof(string);
}
