using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Orchestration.Domain.Aggregation;
using Orchestration.Domain.Comparison;
using Orchestration.Workflows.Service;

namespace Orchestration.Api;

/// <summary>The OpenAPI 3.1 document served at <c>/api/openapi.json</c>.</summary>
/// <remarks>Paths are hand-written so both hosts serve the same document (a test checks its operations and keys
/// against <see cref="ApiRoutes"/>, both ways). The request body is the batch schema served at <c>/api/schema/batch.json</c>; the status, links and
/// aggregate shapes are generated from the response types with the options that write them, so they cannot drift.</remarks>
internal static class OpenApiDocument
{
    private static readonly Lazy<string> Built = new(Build);

    /// <summary>The document as JSON text.</summary>
    public static string Json => Built.Value;

    private static string Build()
    {
        var document = JsonNode.Parse(Template)!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        schemas["Links"] = Generated(typeof(Links), "links");
        var status = Generated(typeof(BatchStatusDocument), "status");
        status["properties"]!["links"] = new JsonObject { ["$ref"] = "urn:orchestration:openapi:links" };
        schemas["Status"] = status;
        schemas["Aggregate"] = Generated(typeof(BatchAggregate), "aggregate");
        schemas["DryRunPlan"] = Generated(typeof(DryRunPlan), "dryRunPlan", ApiJson.Rows);
        schemas["Comparison"] = Generated(typeof(BatchComparison), "comparison");
        return document.ToJsonString();
    }

    // Each generated schema gets its own $id, so the exporter's '#/...' references resolve inside it.
    private static JsonObject Generated(Type type, string name, System.Text.Json.JsonSerializerOptions? options = null)
    {
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(options ?? ApiJson.Options, type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true }).AsObject();
        schema.Insert(0, "$id", "urn:orchestration:openapi:" + name);
        return schema;
    }

    private const string Template = """
    {
      "openapi": "3.1.0",
      "info": { "title": "Orchestration", "version": "1", "description": "Runs a batch of tasks n times each and reports per-task pass/flag counts. Errors are RFC 9457 problem details (application/problem+json)." },
      "components": {
        "securitySchemes": { "functionsKey": { "type": "apiKey", "in": "header", "name": "x-functions-key" } },
        "schemas": {
          "Problem": { "type": "object", "description": "RFC 9457 problem details (application/problem+json).",
            "properties": { "type": { "type": "string" }, "title": { "type": "string" }, "status": { "type": "integer" }, "detail": { "type": "string" },
            "errors": { "type": "array", "description": "Every problem found, each at a path into the body ($ for the whole document, tasks[0].n) or a parameter name.",
              "items": { "type": "object", "properties": { "path": { "type": "string" }, "message": { "type": "string" } }, "required": [ "path", "message" ] } } },
            "required": [ "type", "title", "status" ] },
          "BatchDocument": { "$ref": "/api/schema/batch.json" },
          "BatchList": { "type": "object", "required": [ "items" ], "properties": {
            "items": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "string" },
              "status": { "enum": [ "pending", "running", "completed", "cancelled", "failed", "terminated", "stopped", "purging" ] }, "createdAt": { "type": "string", "format": "date-time" },
              "lastUpdatedAt": { "type": "string", "format": "date-time" }, "totalRuns": { "type": "integer" },
              "labels": { "type": "object", "additionalProperties": { "type": "string" }, "description": "The batch's labels." }, "reason": { "type": [ "string", "null" ] },
              "links": { "$ref": "urn:orchestration:openapi:links" } } } },
            "continuationToken": { "type": [ "string", "null" ], "description": "Pass back as continuationToken for the next page; null on the last." } } },
          "RunRow": { "type": "object", "description": "One run, flat columns; label.NAME columns carry the task's and batch's labels.",
            "properties": { "batch": { "type": "string" }, "task": { "type": "string" }, "runIndex": { "type": "integer" },
              "outcome": { "enum": [ "passed", "failed", "errored", "timedOut", "cancelled" ] }, "flags": { "type": "string", "description": "Names of the flags that fired, ';'-separated" },
              "exitCode": { "type": [ "integer", "null" ] }, "durationSeconds": { "type": [ "number", "null" ] }, "costUsd": { "type": "number" },
              "attempts": { "type": "integer" }, "execution": { "type": [ "string", "null" ] }, "reason": { "type": [ "string", "null" ] } },
            "patternProperties": { "^label\\.": { "type": [ "string", "null" ] } } },
          "RunsPage": { "type": "object", "required": [ "items" ], "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/RunRow" } },
            "continuationToken": { "type": [ "string", "null" ] },
            "next": { "type": "string", "description": "Judged order (after given): the cursor to pass as after next; never null, the same cursor when nothing new was judged." } } },
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
        "/api/schema/batch.json": { "get": { "summary": "The batch document's JSON Schema (draft 2020-12) with this host's limits (no key needed)", "security": [],
          "responses": { "200": { "description": "JSON Schema", "content": { "application/schema+json": { "schema": { "type": "object" } } } } } } },
        "/api/ui/{asset}": { "get": { "summary": "The web dashboard's static files; /api/ui/ is the page (no key needed: it holds no data, asks for the key and sends it as x-functions-key)", "security": [],
          "parameters": [ { "name": "asset", "in": "path", "required": true, "schema": { "type": "string" }, "description": "index.html (or empty), app.js, app.css" } ],
          "responses": { "200": { "description": "The file (HTML, JavaScript or CSS)" }, "404": { "description": "No such file", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } } } } },
        "/api/openapi.json": { "get": { "summary": "This document", "responses": { "200": { "description": "OpenAPI 3" }, "401": { "description": "Missing or wrong key" } } } },
        "/api/batches": {
          "post": { "summary": "Submit a batch (idempotent by id or Idempotency-Key), or with dryRun=true plan it without starting or storing anything",
            "parameters": [ { "name": "Idempotency-Key", "in": "header", "schema": { "type": "string" } },
              { "name": "dryRun", "in": "query", "schema": { "type": "boolean", "default": false }, "description": "Validate as a submit (same 400), then answer 200 with the plan: runs, chunks, jobs, input sets and what is uploaded, estimated cost. Nothing is started or stored." } ],
            "requestBody": { "required": true, "description": "The batch document: docs/batch-document.md", "content": { "application/json": { "schema": { "$ref": "/api/schema/batch.json" } } } },
            "responses": { "200": { "description": "dryRun=true: the plan; nothing was started or stored", "content": { "application/json": { "schema": { "$ref": "urn:orchestration:openapi:dryRunPlan" } } } },
              "202": { "description": "Accepted (also for a repeat of the same batch, then created: false and its status); Location = status; Retry-After while it runs",
                "headers": { "Location": { "$ref": "#/components/headers/Location" }, "Retry-After": { "$ref": "#/components/headers/Retry-After" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Submitted" } } } },
              "400": { "description": "Invalid: every problem in errors", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }, "401": { "description": "Missing or wrong key" }, "408": { "description": "Body too slow (time limit or minimum rate)" }, "409": { "description": "A different batch has this id" }, "413": { "description": "Body too large (read to its end first, within bounds, so the client can read this)" } } },

          "get": { "summary": "List batches",
            "parameters": [ { "name": "status", "in": "query", "schema": { "type": "string" }, "description": "Comma-separated statuses" },
              { "name": "top", "in": "query", "schema": { "type": "integer" } }, { "name": "continuationToken", "in": "query", "schema": { "type": "string" } } ],
            "responses": { "200": { "description": "A page of batches", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/BatchList" } } } }, "400": { "description": "Bad parameter" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "get": { "summary": "Status document with links (asynchronous request-reply: poll until 200)",
            "parameters": [ { "name": "wait", "in": "query", "schema": { "type": "integer", "minimum": 0, "maximum": 60 }, "description": "Long poll: answer as soon as the document changes, or after this many seconds" } ],
            "responses": { "200": { "description": "The batch has ended (completed, cancelled, failed, terminated, stopped, purging)", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Status" } } } },
              "202": { "description": "The batch is pending or running; poll Location again after Retry-After", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Status" } } },
                "headers": { "Location": { "$ref": "#/components/headers/Location" }, "Retry-After": { "$ref": "#/components/headers/Retry-After" } } },
              "400": { "description": "Bad wait" }, "404": { "description": "No such batch" }, "401": { "description": "Missing or wrong key" } } },
          "delete": { "summary": "Purge a finished batch (background)", "responses": { "202": { "description": "Purging" }, "404": { "description": "No such batch" }, "409": { "description": "Not finished" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/results": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }, { "name": "format", "in": "query", "schema": { "type": "string", "enum": [ "json", "csv" ] } },
            { "name": "version", "in": "query", "schema": { "type": "integer", "minimum": 1 }, "description": "A results version: 1 is the aggregate the batch ended with, each rejudge or rerun adds one; the latest when absent." } ],
          "get": { "summary": "Aggregate (csv: one row per task plus a total row)", "responses": { "200": { "description": "Aggregate: counts, passRate and flagRates with 95% Wilson intervals, durations, cost", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Aggregate" } }, "text/csv": { "schema": { "type": "string" } } } }, "202": { "description": "That version's rejudge or rerun is still under way (Retry-After)" }, "400": { "description": "Bad format or version" }, "404": { "description": "No results yet, or no such version" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/runs": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
            { "name": "task", "in": "query", "schema": { "type": "string" } },
            { "name": "outcome", "in": "query", "schema": { "type": "string", "enum": [ "passed", "failed", "errored", "timedOut", "cancelled" ] } },
            { "name": "flag", "in": "query", "schema": { "type": "string" } },
            { "name": "format", "in": "query", "schema": { "type": "string", "enum": [ "json", "jsonl", "csv" ] } },
            { "name": "top", "in": "query", "schema": { "type": "integer" } }, { "name": "continuationToken", "in": "query", "schema": { "type": "string" } },
            { "name": "after", "in": "query", "schema": { "type": "string" }, "description": "Judged order: runs judged after this opaque cursor (empty = from the first), one page of at most limit rows in the order they were judged; the next cursor is in next (json) and the Next-Cursor header. A run appears once, when judged for good. flag is not available in this mode; a bad cursor is a 400 problem." },
            { "name": "limit", "in": "query", "schema": { "type": "integer" }, "description": "Judged order: page size (default and bounds as top)." } ],
          "get": { "summary": "Run rows, flat columns (batch, task, runIndex, outcome, flags, exitCode, durationSeconds, costUsd, attempts, execution, reason, label.*); json is one page {items, continuationToken}, jsonl and csv stream every row from the token on; with after, one page in judged order {items, next}",
            "responses": { "200": { "description": "Rows", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RunsPage" } }, "application/x-ndjson": { "schema": { "$ref": "#/components/schemas/RunRow" } }, "text/csv": { "schema": { "type": "string" } } } }, "400": { "description": "Bad parameter" }, "404": { "description": "No such batch or task" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/events": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
            { "name": "Last-Event-ID", "in": "header", "schema": { "type": "string" }, "description": "Resume after this cursor (the id of the last run event received)." },
            { "name": "after", "in": "query", "schema": { "type": "string" }, "description": "Start after this cursor (as /runs?after=); Last-Event-ID wins." } ],
          "get": { "summary": "Server-Sent Events: run (the /runs row, id = the cursor after it; each run once, in judged order), progress (status, progress and task counts; at most once a second, when changed), end (final status, reason, progress and task counts), then the stream closes. Both hosts; in the Functions host the stream lasts at most the function timeout, so clients reconnect with Last-Event-ID (or page /runs?after=)",
            "responses": { "200": { "description": "The event stream", "content": { "text/event-stream": { "schema": { "type": "string" } } } }, "400": { "description": "Bad cursor" }, "404": { "description": "No such batch" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/runs/{task}/{index}/artifacts/{name}": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }, { "name": "task", "in": "path", "required": true, "schema": { "type": "string" } },
            { "name": "index", "in": "path", "required": true, "schema": { "type": "integer" } },
            { "name": "name", "in": "path", "required": true, "schema": { "type": "string", "enum": [ "stdout", "stderr", "response", "transcript", "output", "result" ] } },
            { "name": "attempt", "in": "query", "schema": { "type": "integer" }, "description": "Default: the last attempt" } ],
          "get": { "summary": "An artifact, streamed", "responses": { "200": { "description": "The bytes" }, "400": { "description": "Bad attempt" }, "404": { "description": "Absent" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/rejudge": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "post": { "summary": "Judge a finished batch's runs again with new pass/flag rules, from their stored results; nothing runs again, and the outcome is a new results version",
            "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "required": [ "tasks" ], "properties": { "tasks": { "type": "array", "items": { "type": "object", "required": [ "id" ],
              "properties": { "id": { "type": "string" }, "pass": { "type": "object" }, "flag": { "type": "object" }, "flags": { "type": "object" } }, "description": "A task's new rules, as in the batch document (pass, flag, flags); tasks not listed keep theirs" } } } } } } },
            "responses": { "202": { "description": "{id, version, resultsUri, status: rejudging}; Location = resultsUri (GET it until 200)" }, "400": { "description": "Problems in the rules", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }, "404": { "description": "Unknown batch" }, "409": { "description": "The batch has not finished, or is being purged" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/rerun": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
            { "name": "Idempotency-Key", "in": "header", "schema": { "type": "string" }, "description": "A repeat with the same key answers the rerun it started" } ],
          "post": { "summary": "Run again, as part of the same batch, the runs of a finished batch that ended with the named outcomes (default errored and timedOut): same pinned inputs, specs and jobs, attempt numbers go on; the batch runs again and its aggregate becomes a new results version when the rerun ends",
            "requestBody": { "required": false, "content": { "application/json": { "schema": { "type": "object", "properties": { "outcomes": { "type": "array", "minItems": 1, "items": { "type": "string", "enum": [ "errored", "timedOut", "cancelled", "skipped" ] } } } } } } },
            "responses": { "202": { "description": "{id, version, runs, resultsUri, statusUri, status: running}; Location = resultsUri (202 until the rerun ends)" }, "400": { "description": "Problems in the body", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } }, "404": { "description": "Unknown batch" }, "409": { "description": "The batch is running or being purged or rejudged, or has no runs with those outcomes" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/batches/{id}/cancel": {
          "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } } ],
          "post": { "summary": "Cancel", "responses": { "202": { "description": "Cancelling", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Links" } } } }, "404": { "description": "No such batch" }, "409": { "description": "Finished" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/inputs/{sha256}": {
          "parameters": [ { "name": "sha256", "in": "path", "required": true, "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" } } ],
          "put": { "summary": "Upload a bundle (tar.gz named by the SHA-256 of its uncompressed tar; put-if-absent)",
            "requestBody": { "required": true, "content": { "application/gzip": { "schema": { "type": "string", "format": "binary" } } } },
            "responses": { "201": { "description": "Stored (or already there)" }, "400": { "description": "Invalid bundle, with the reason" }, "408": { "description": "Body too slow" }, "413": { "description": "Too large" }, "401": { "description": "Missing or wrong key" } } }
        },
        "/api/compare": {
          "get": { "summary": "Compare two finished batches, B against A: per matched task and overall, pass and flag rates (95% Wilson), B - A with its 95% Newcombe interval, Fisher exact two-sided p, Holm-adjusted p across tasks, a verdict (a side is higher when adjusted p < 0.05 and the interval excludes 0) and the runs per arm needed to detect mde at 80% power",
            "parameters": [ { "name": "a", "in": "query", "required": true, "schema": { "type": "string" }, "description": "Batch A's id" },
              { "name": "b", "in": "query", "required": true, "schema": { "type": "string" }, "description": "Batch B's id" },
              { "name": "map", "in": "query", "schema": { "type": "string" }, "description": "taskA:taskB,... pairs tasks with different ids; the other tasks match by id; tasks without a match are listed as unmatched" },
              { "name": "mde", "in": "query", "schema": { "type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.1 }, "description": "The difference in rates to size runsNeeded for" } ],
            "responses": { "200": { "description": "The comparison", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Comparison" } } } },
              "400": { "description": "Bad parameter (missing id, bad map or mde, a mapped task not in its batch)", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
              "404": { "description": "No such batch", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
              "409": { "description": "A batch has no aggregate yet (not finished)", "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } } },
              "401": { "description": "Missing or wrong key" } } }
        }
      }
    }
    """;
}
