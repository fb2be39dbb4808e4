namespace Orchestration.Durable;

/// <summary>Turns payloads into text and back, as Durable Task's <c>DataConverter</c>.</summary>
/// <remarks>Every input, output, event payload and custom status crosses this boundary, in both hosts.</remarks>
public abstract class DataConverter
{
    /// <summary>Serializes a value; null stays null.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public abstract string? Serialize(object? value);

    /// <summary>Deserializes text; null stays null.</summary>
    /// <param name="data">The text.</param>
    /// <param name="targetType">The type to produce.</param>
    /// <returns>The value.</returns>
    public abstract object? Deserialize(string? data, Type targetType);

    /// <summary>Deserializes text.</summary>
    /// <typeparam name="T">The type to produce.</typeparam>
    /// <param name="data">The text.</param>
    /// <returns>The value.</returns>
    public virtual T? Deserialize<T>(string? data) => (T?)Deserialize(data, typeof(T));
}
