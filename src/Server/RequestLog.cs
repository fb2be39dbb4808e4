using System.Diagnostics;

namespace Orchestration.Server;

/// <summary>One log line per request at Information: method, path, status and duration.</summary>
/// <remarks>Replaces ASP.NET Core's own request logs (hosting, routing, result executors: five or six
/// lines per request), which <c>serve</c> lowers to Warning by default. The query string is left out:
/// it may carry continuation tokens and filters nobody needs in a log.</remarks>
/// <param name="next">The rest of the pipeline.</param>
/// <param name="logger">Where the line goes (category <c>Orchestration.Server.RequestLog</c>).</param>
internal sealed class RequestLog(RequestDelegate next, ILogger<RequestLog> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception) when (Write(context, started, failed: true))
        {
            // Never reached: Write logs and returns false, so the exception goes on to the server, which answers 500.
            throw;
        }

        Write(context, started, failed: false);
    }

    private bool Write(HttpContext context, long started, bool failed)
    {
        // An exception before the response started becomes a 500 once it reaches the server.
        var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        Logs.Request(logger, context.Request.Method, context.Request.Path.Value ?? "/", status, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return false;
    }
}
