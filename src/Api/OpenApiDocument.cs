namespace Orchestration.Api;

/// <summary>The hand-written OpenAPI 3 document served at <c>/api/openapi.json</c>.</summary>
/// <remarks>Hand-written so both hosts serve the same document; a test checks it names every mapped route.</remarks>
internal static class OpenApiDocument
{
    public const string Json = """
    {
      "openapi": "3.0.3",
      "info": { "title": "Orchestration", "version": "1", "description": "Runs a batch of tasks n times each and reports per-task pass/flag counts. Errors are RFC 9457 problem details (application/problem+json)." },
      "components": {
        "securitySchemes": { "functionsKey": { "type": "apiKey", "in": "header", "name": "x-functions-key" } },
        "schemas": {
          "Problem": { "type": "object", "properties": { "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" }, "detail": { "type": "string" },
            "errors": { "type": "array", "items": { "type": "object", "properties": { "path": { "type": "string" }, "message": { "type": "string" } } } } } },
          "Links": { "type": "object", "properties": { "id": { "type": "string" }, "statusUri": { "type": "string" }, "resultsUri": { "type": "string" }, "runsUri": { "type": "string" }, "cancelUri": { "type": "string" },
            "statusQueryGetUri": { "type": "string", "description": "Durable's name for statusUri" }, "sendEventPostUri": { "type": "string", "description": "Durable's name; here cancelUri" }, "purgeHistoryDeleteUri": { "type": "string", "description": "Durable's name; DELETE statusUri" } } },
          "Submitted": { "allOf": [ { "$ref": "#/components/schemas/Links" }, { "type": "object", "properties": { "created": { "type": "boolean", "description": "false when the same batch already existed" }, "status": { "type": "string" } } } ] }
        },
        "headers": {
          "Location": { "description": "The batch's status URI", "schema": { "type": "string" } },
          "Retry-After": { "description": "Seconds to wait before polling the status again (only while the batch runs)", "schema": { "type": "integer" } }
        }
      },
      "security": [ { "functionsKey": [] } ],
      "paths": {
        "/api/health": { "get": { "summary": "Liveness (no key needed)", "security": [], "responses": { "200": { "description": "{status: ok}" } } } },
        "/api/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI 3" }, "401": { "description": "Missing or wrong key" } } } },
        "/api/batches": {
          "post": { "summary": "Submit a batch (idempotent by id or Idempotency-Key)",
            "parameters": [ { "name": "Idempotency-Key", "in": "header", "schema": { "type": "string" } } ],
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object" } } } },
            "responses": { "202": { "description": "Accepted (also for a repeat of the same batch, then created: false and its status); Location = status; Retry-After while it runs",
                "headers": { "Location": { "$ref": "#/components/headers/Location" }, "Retry-After": { "$ref": "#/components/headers/Retry-After" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Submitted" } } } },
              "400": { "description": "Invalid: every problem in errors" }, "401": { "description": "Missing or wrong key" }, "408": { "description": "Body too slow (time limit or minimum rate)" }, "409": { "description": "A different batch has this id" }, "413": { "description": "Body too large (read to its end first, within bounds, so the client can read this)" } } },
          "get": { "summary": "List batches",
            "parameters": [ { "name": "status", "in": "query", "schema": { "type": "string" }, "description": "Comma-separated statuses" },
              { "name": "top", "in": "query", "schema": { "type": "integer" } }, { "name": "continuationToken", "in": "query", "schema": { "type": "string" } } ],
            "responses": { "200": { "description": "{items, continuationToken}" }, "400": { "description": "Bad parameter" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "get": { "summary": "Status document with links (asynchronous request-reply: poll until 200)",
            "parameters": [ { "name": "wait", "in": "query", "schema": { "type": "integer", "minimum": 0, "maximum": 60 }, "description": "Long poll: answer as soon as the document changes, or after this many seconds" } ],
            "responses": { "200": { "description": "The batch has ended (completed, cancelled, failed, terminated, purging)" },
              "202": { "description": "The batch is pending or running; poll Location again after Retry-After",
                "headers": { "Location": { "$ref": "#/components/headers/Location" }, "Retry-After": { "$ref": "#/components/headers/Retry-After" } } },
              "400": { "description": "Bad wait" }, "404": { "description": "No such batch" }, "401": { "description": "Missing or wrong key" } } },
          "delete": { "summary": "Purge a finished batch (background)", "responses": { "202": { "description": "Purging" }, "404": { "description": "No such batch" }, "409": { "description": "Not finished" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/results": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }, { "name": "format", "in": "query", "schema": { "type": "string", "enum": [ "json", "csv" ] } } ],
          "get": { "summary": "Aggregate (csv: one row per task plus a total row)", "responses": { "200": { "description": "Aggregate" }, "400": { "description": "Bad format" }, "404": { "description": "No results yet" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/runs": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
            { "name": "task", "in": "query", "schema": { "type": "string" } },
            { "name": "outcome", "in": "query", "schema": { "type": "string", "enum": [ "passed", "failed", "errored", "timedOut", "cancelled" ] } },
            { "name": "flag", "in": "query", "schema": { "type": "string" } },
            { "name": "format", "in": "query", "schema": { "type": "string", "enum": [ "json", "jsonl", "csv" ] } },
            { "name": "top", "in": "query", "schema": { "type": "integer" } }, { "name": "continuationToken", "in": "query", "schema": { "type": "string" } } ],
          "get": { "summary": "Run rows, flat columns (batch, task, runIndex, outcome, flags, exitCode, durationSeconds, costUsd, attempts, execution, reason, label.*); json is one page {items, continuationToken}, jsonl and csv stream every row from the token on",
            "responses": { "200": { "description": "Rows" }, "400": { "description": "Bad parameter" }, "404": { "description": "No such batch or task" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/runs/{task}/{index}/artifacts/{name}": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }, { "name": "task", "in": "path", "required": true, "schema": { "type": "string" } },
            { "name": "index", "in": "path", "required": true, "schema": { "type": "integer" } },
            { "name": "name", "in": "path", "required": true, "schema": { "type": "string", "enum": [ "stdout", "stderr", "response", "transcript", "output", "result" ] } },
            { "name": "attempt", "in": "query", "schema": { "type": "integer" }, "description": "Default: the last attempt" } ],
          "get": { "summary": "An artifact, streamed", "responses": { "200": { "description": "The bytes" }, "400": { "description": "Bad attempt" }, "404": { "description": "Absent" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/cancel": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "post": { "summary": "Cancel", "responses": { "202": { "description": "Cancelling" }, "404": { "description": "No such batch" }, "409": { "description": "Finished" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/inputs/{sha256}": {
          "parameters": [ { "name": "sha256", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" } } ],
          "put": { "summary": "Upload a bundle (tar.gz named by the SHA-256 of its uncompressed tar; put-if-absent)",
            "requestBody": { "required": true, "content": { "application/gzip": { "schema": { "type": "string", "format": "binary" } } } },
            "responses": { "201": { "description": "Stored (or already there)" }, "400": { "description": "Invalid bundle, with the reason" }, "408": { "description": "Body too slow" }, "413": { "description": "Too large" }, "401": { "description": "Missing or wrong key" } } }
        }
      }
    }
    """;
}
