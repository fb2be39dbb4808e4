
namespace Orchestration.Adapters.Webhooks;

/// <summary>A webhook destination is not allowed (it resolves to a private or metadata address).</summary>
public sealed class WebhookRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookRefusedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why.</param>
    public WebhookRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
