namespace Orchestration.Domain.Tests.Judging;

/// <summary>Real-shaped result.json documents of Claude runs; the summaries are stream-json result
/// lines as Claude Code 2.x writes them, copied unchanged by the runner.</summary>
internal static class ClaudeResults
{
    public const string Success = """
        {"exitCode":0,"termination":"none","startedAt":"2026-11-23T10:00:00Z","endedAt":"2026-11-23T10:01:30.5Z",
         "runnerVersion":"1.4.0","stdout":{"bytes":48211,"truncated":false},"stderr":{"bytes":0,"truncated":false},
         "response":{"bytes":1830,"truncated":false},"futureField":{"anything":[1,2,3]},
         "claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"success","is_error":false,"duration_ms":89512,"duration_api_ms":91234,
           "num_turns":14,"result":"I reviewed the templates. Found one vulnerability: unescaped user input in views/profile.html.",
           "session_id":"6f1c2a8e-0d4b-4b7e-9d7a-2a1f5c3e9b10","total_cost_usd":0.21384525,
           "usage":{"input_tokens":37,"cache_creation_input_tokens":18394,"cache_read_input_tokens":201876,"output_tokens":2411,
            "server_tool_use":{"web_search_requests":0,"web_fetch_requests":0},"service_tier":"standard",
            "cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":18394}},
           "modelUsage":{"claude-sonnet-4-5":{"inputTokens":37,"outputTokens":2411,"cacheReadInputTokens":201876,
            "cacheCreationInputTokens":18394,"webSearchRequests":0,"costUSD":0.21384525,"contextWindow":200000}},
           "permission_denials":[],"uuid":"b7e0c1d2-3f45-4a6b-8c9d-0e1f2a3b4c5d"}}}
        """;

    public const string MaxTurns = """
        {"exitCode":1,"termination":"none","startedAt":"2026-11-23T10:00:00Z","endedAt":"2026-11-23T10:04:00Z",
         "runnerVersion":"1.4.0","response":{"bytes":0,"truncated":false},
         "claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"error_max_turns","is_error":false,"duration_ms":240112,"duration_api_ms":238004,
           "num_turns":101,"session_id":"0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d","total_cost_usd":1.0472,
           "usage":{"input_tokens":402,"cache_creation_input_tokens":50211,"cache_read_input_tokens":2200143,"output_tokens":18220,
            "server_tool_use":{"web_search_requests":0},"service_tier":"standard"},
           "modelUsage":{},"permission_denials":[],"uuid":"1e2d3c4b-5a69-4788-9766-554433221100"}}}
        """;

    public const string Overloaded = """
        {"exitCode":1,"termination":"none","startedAt":"2026-11-23T10:00:00Z","endedAt":"2026-11-23T10:00:41Z",
         "runnerVersion":"1.4.0","response":{"bytes":121,"truncated":false},
         "claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"success","is_error":true,"duration_ms":40770,"duration_api_ms":0,"num_turns":1,
           "result":"API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":null}",
           "session_id":"9c8b7a69-5847-4362-a1b0-c9d8e7f6a5b4","total_cost_usd":0,
           "usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0,
            "server_tool_use":{"web_search_requests":0},"service_tier":"standard"},
           "modelUsage":{},"permission_denials":[],"uuid":"aa11bb22-cc33-4d44-8e55-ff6677889900"}}}
        """;

    public const string InvalidApiKey = """
        {"exitCode":1,"termination":"none","startedAt":"2026-11-23T10:00:00Z","endedAt":"2026-11-23T10:00:02Z",
         "runnerVersion":"1.4.0","response":{"bytes":36,"truncated":false},
         "claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"success","is_error":true,"duration_ms":412,"duration_api_ms":0,"num_turns":1,
           "result":"Invalid API key · Please run /login","session_id":"5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170",
           "total_cost_usd":0,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0,
            "server_tool_use":{"web_search_requests":0},"service_tier":"standard"},
           "modelUsage":{},"permission_denials":[],"uuid":"0f1e2d3c-4b5a-4697-8877-665544332211"}}}
        """;

    public const string Authentication401 = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"success","is_error":true,"num_turns":1,
           "result":"API Error: 401 {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"},\"request_id\":\"req_011CVQ1\"}",
           "session_id":"s","total_cost_usd":0}}}
        """;

    public const string ServerError500 = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"success","is_error":true,"num_turns":3,
           "result":"API Error: 500 {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"},\"request_id\":\"req_011CVQ2\"}",
           "session_id":"s","total_cost_usd":0.0123}}}
        """;

    public const string RateLimited429 = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"success","is_error":true,"num_turns":2,
           "result":"API Error: 429 {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"This request would exceed the rate limit for your organization\"}}",
           "session_id":"s","total_cost_usd":0.004}}}
        """;

    public const string Budget = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"error_max_budget_usd","is_error":false,"num_turns":22,
           "session_id":"s","total_cost_usd":0.5071}}}
        """;

    public const string CreditBalance = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"success","is_error":true,"num_turns":1,
           "result":"Credit balance is too low","session_id":"s","total_cost_usd":0}}}
        """;

    public const string DuringExecution = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":4,
           "session_id":"s","total_cost_usd":0.02}}}
        """;

    public const string DuringExecutionWithErrors = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.1.330 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"error_during_execution","is_error":false,"duration_ms":5120,"duration_api_ms":4012,
           "num_turns":3,"session_id":"s","total_cost_usd":0.031,"usage":{"input_tokens":10,"output_tokens":20},
           "modelUsage":{},"permission_denials":[],"uuid":"u",
           "errors":["Error: ENOENT: no such file or directory, open '/workspace/input/repo/package.json'","Tool Bash failed: exit 2"]}}}
        """;

    public const string MaxTurnsWithErrors = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.1.330 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"error_max_turns","is_error":false,"num_turns":4,"session_id":"s","total_cost_usd":0.2,
           "errors":["Reached maximum number of turns (3)"]}}}
        """;

    public const string DuringExecutionOverloaded = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.1.330 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"error_during_execution","is_error":true,"num_turns":1,"session_id":"s","total_cost_usd":0,
           "errors":["API Error: 529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"]}}}
        """;

    public const string PromptTooLong = """
        {"exitCode":1,"termination":"none","claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5",
          "summary":{"type":"result","subtype":"success","is_error":true,"num_turns":1,
           "result":"Prompt is too long","session_id":"s","total_cost_usd":0}}}
        """;

    public const string NoSummary = """
        {"exitCode":137,"termination":"none","runnerVersion":"1.4.0","claude":{"version":"2.0.37 (Claude Code)","model":"claude-sonnet-4-5"}}
        """;
}
