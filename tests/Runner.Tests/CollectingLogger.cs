using System.Text;
using Microsoft.Extensions.Logging;

namespace Orchestration.Runner.Tests;

/// <summary>Keeps the native executor's own messages, one line each, as runner.sh's stderr keeps its own.</summary>
internal sealed class CollectingLogger : ILogger
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _text = new();

    /// <summary>Every message so far, each followed by a newline (and its exception, if any).</summary>
    public string Text
    {
        get
        {
            lock (_lock)
            {
                return _text.ToString();
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (_lock)
        {
            _text.Append(formatter(state, exception)).Append('\n');
            if (exception is not null)
            {
                _text.Append(exception).Append('\n');
            }
        }
    }
}
