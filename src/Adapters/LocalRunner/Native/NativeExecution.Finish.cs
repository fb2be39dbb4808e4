using System.Globalization;
using System.Text;
using System.Text.Json;
using Orchestration.Domain.Specs;

namespace Orchestration.Adapters.LocalRunner.Native;

/// <summary>The end: output, captures and result.json built once into <c>upload/</c>, then uploaded in runner.sh's order.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class NativeExecution
{
    private static readonly string[] CaptureNames = [RunnerContract.StdoutObject, RunnerContract.StderrObject, RunnerContract.ResponseObject, RunnerContract.TranscriptObject];

    private async Task FinishAndUploadAsync(NativeSpec spec, WorkOutcome? work)
    {
        Directory.CreateDirectory(UploadFolder);
        var resultFile = Path.Combine(UploadFolder, RunnerContract.ResultObject);
        if (!File.Exists(resultFile))
        {
            // After a terminate, packing could outlast Cloud Run's 10 s: the output follows result.json.
            var afterResult = Terminated;
            _journal.Record("output.after-result", afterResult ? "1" : "0");

            var late = new StringBuilder();
            if (work is { Termination: "timeout" })
            {
                late.Append(CultureInfo.InvariantCulture, $"[runner] the work passed its time limit ({work.WorkLimit}s) and was stopped\n");
            }
            else if (work is { Termination: "none", Code: not 0 })
            {
                late.Append(CultureInfo.InvariantCulture, $"[runner] the work driver ended with status {work.Code}\n");
            }

            var packed = afterResult ? null : PackOutput(spec);
            if (packed is not null)
            {
                late.Append(packed.Notes);
            }

            BuildResult(spec, work, packed, late.ToString());
        }

        Step("built");
        var after = _journal.Read("output.after-result") == "1";
        var files = CaptureNames.Select(n => Path.Combine(UploadFolder, n)).Where(File.Exists).ToList();
        var output = Path.Combine(UploadFolder, RunnerContract.OutputObject);
        if (!after && File.Exists(output))
        {
            files.Add(output);
        }

        await PutObjectsAsync(files, "could not upload the captures");
        await PutObjectsAsync([resultFile], "could not upload result.json");
        if (after)
        {
            // The judged outcome is stored; the output follows.
            var packed = PackOutput(spec);
            if (packed.Uploaded && File.Exists(output))
            {
                try
                {
                    await PutObjectsAsync([output], "could not upload output.tar.gz after result.json");
                }
                catch (NativeDie die)
                {
                    _logger.NativeRunnerNote(_execution, die.Message);
                }
            }
        }
    }

    /// <summary>Uploads files by base name, each created if absent; an object already holding the same bytes counts as stored.</summary>
    /// <remarks>
    /// Only result.json is fsync'd. A host crash (SIGKILL) keeps the page cache, so an unsynced object is lost only by a
    /// machine crash, which kills the work too. The engine acts on result.json alone (a stored result is the attempt's
    /// outcome); the captures and output.tar.gz are written before it and only read through it. A machine crash that
    /// loses them before result.json is stored leaves no result, and the attempt is reported lost and retried (the
    /// engine's infrastructure-failure path); result.json itself is durable, so an attempt the engine saw finish keeps
    /// its outcome. (A machine crash after result.json can at worst leave a capture empty, next to a stored result.)
    /// </remarks>
    private async Task PutObjectsAsync(List<string> files, string failure)
    {
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            try
            {
                var durable = name == RunnerContract.ResultObject;
                if (!await _objects.CreateAsync(_runPrefix + name, ReadScratch(file), durable, _abandon))
                {
                    _logger.NativeRunnerNote(_execution, $"{name} is stored with this attempt's bytes");
                }

                Step("uploaded " + name);
            }
            catch (NativeStorageException ex)
            {
                if (ex.PreconditionFailed)
                {
                    // runner.sh's log: into the notes, so the stderr.txt uploaded with the failure says it.
                    var line = $"{name} is already stored with other bytes";
                    Log(line);
                    if (File.Exists(At("notes.final")))
                    {
                        await File.AppendAllTextAsync(At("notes.final"), $"[runner] {line}\n", _abandon);
                    }
                }
                else
                {
                    _logger.NativeRunnerNote(_execution, ex.Message);
                }

                throw new NativeDie(failure);
            }
        }
    }

    /// <summary>Scrubs and tars workspace/output once (runner.sh's pack_output); a resumed finish reuses the first packing.</summary>
    private Packed PackOutput(NativeSpec spec)
    {
        if (_journal.Read("output.packed") is { } stored)
        {
            var lines = stored.Split('\n', 3);
            return new Packed(long.Parse(lines[0], CultureInfo.InvariantCulture), lines[1] == "1", lines[2]);
        }

        var tar = Path.Combine(UploadFolder, RunnerContract.OutputObject);
        File.Delete(tar);
        var output = Path.Combine(_workspace, "output");
        var notes = new StringBuilder();
        long bytes = 0;
        var uploaded = false;
        if (new DirectoryInfo(output) is not { Exists: true, LinkTarget: null })
        {
            Late(notes, $"{output} is missing or a link; no output.tar.gz");
        }
        else
        {
            ScrubTree(output);
            NativeTar.Pack(output, tar);
            bytes = new FileInfo(tar).Length;
            if (bytes > spec.OutputTarBytes)
            {
                Late(notes, $"output.tar.gz is {bytes} bytes, over the {spec.OutputTarBytes}-byte cap; not uploaded");
                File.Delete(tar);
            }
            else
            {
                uploaded = true;
            }
        }

        _journal.Record("output.packed", $"{bytes.ToString(CultureInfo.InvariantCulture)}\n{(uploaded ? "1" : "0")}\n{notes}");
        return new Packed(bytes, uploaded, notes.ToString());
    }

    private void Late(StringBuilder notes, string message)
    {
        _logger.NativeRunnerNote(_execution, message);
        notes.Append(CultureInfo.InvariantCulture, $"[runner] {message}\n");
    }

    private void ScrubTree(string folder)
    {
        if (_scrubber.IsEmpty)
        {
            return;
        }

        foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (file.LinkTarget is not null || file.Length == 0)
            {
                continue;
            }

            var content = File.ReadAllBytes(file.FullName);
            var scrubbed = _scrubber.Scrub(content);
            if (!ReferenceEquals(scrubbed, content))
            {
                File.WriteAllBytes(file.FullName, scrubbed);
            }
        }
    }

    /// <summary>runner-lib.js <c>finish</c>: the captures and result.json, byte for byte; result.json last.</summary>
    private void BuildResult(NativeSpec spec, WorkOutcome? work, Packed? packed, string lateNotes)
    {
        if (spec.FlagFilesUnreadable)
        {
            throw new NativeDie("could not assemble result.json");
        }

        var now = NowIso(_settings.Time.GetUtcNow());
        var startedAt = work?.StartedAt ?? _journal.Read("work.none")?.Trim() ?? now;
        var endedAt = work?.EndedAt ?? startedAt;
        var termination = work?.Termination ?? "cancel";
        var json = new StringBuilder("{");
        json.Append("\"exitCode\":").Append(MainExitCode() is { } exit ? JsJson.Number(exit) : "null");
        json.Append(",\"termination\":");
        JsJson.WriteString(json, termination);
        json.Append(",\"startedAt\":");
        JsJson.WriteString(json, startedAt);
        json.Append(",\"endedAt\":");
        JsJson.WriteString(json, endedAt);
        json.Append(",\"runnerVersion\":");
        JsJson.WriteString(json, RunnerVersion);
        json.Append(",\"execution\":");
        JsJson.WriteString(json, _execution);
        json.Append(",\"attempt\":").Append(Attempt());
        json.Append(",\"workLimitSeconds\":").Append(IntegerOrNull(work?.WorkLimit));
        json.Append(",\"preCommandExitCode\":").Append(IntegerOrNull(LocalStateFiles.ReadText(At("pre.rc"))?.TrimEnd('\n')));
        json.Append(",\"postCommandExitCode\":").Append(IntegerOrNull(LocalStateFiles.ReadText(At("post.rc"))?.TrimEnd('\n')));

        (byte[] Content, long Bytes, bool Truncated) response;
        var uploads = new List<(string Name, byte[] Content)>();
        if (spec.Kind == "claude")
        {
            var transcript = _scrubber.Scrub(File.Exists(At("transcript.jsonl")) ? File.ReadAllBytes(At("transcript.jsonl")) : []);
            uploads.Add((RunnerContract.TranscriptObject, transcript));
            var (summary, model) = ReadTranscript(transcript);
            var text = summary is { } s && NativeSpec.Member(s, "result") is { ValueKind: JsonValueKind.String } r ? r.GetString()! : string.Empty;
            response = _scrubber.BufferTail(Encoding.UTF8.GetBytes(text), spec.ResponseBytes);
            var version = _journal.Read("claude.version") ?? string.Empty;
            json.Append(",\"claude\":{\"version\":");
            if (version.Length > 0)
            {
                JsJson.WriteString(json, version);
            }
            else
            {
                json.Append("null");
            }

            json.Append(",\"model\":");
            if ((model ?? spec.ClaudeModel) is { Length: > 0 } m)
            {
                JsJson.WriteString(json, m);
            }
            else
            {
                json.Append("null");
            }

            json.Append(",\"summary\":");
            if (summary is { } sum)
            {
                JsJson.WriteElement(json, sum);
            }
            else
            {
                json.Append("null");
            }

            json.Append('}');
        }
        else
        {
            response = _scrubber.CaptureTail([At("main.out")], spec.ResponseBytes);
        }

        var outputDir = Path.Combine(_workspace, "output");
        var flagNotes = new StringBuilder();
        var files = FlagFiles(spec, new FileInfo(outputDir).LinkTarget is null ? outputDir : string.Empty, flagNotes);
        LocalStateFiles.WriteText(At("notes.final"), (File.Exists(NotesFile) ? File.ReadAllText(NotesFile) : string.Empty) + lateNotes + flagNotes);

        var stdout = _scrubber.CaptureTail([At("pre.out"), At("main.out"), At("post.out")], spec.StdoutBytes);
        var stderr = _scrubber.CaptureTail([At("pre.err"), At("main.err"), At("post.err"), At("notes.final")], spec.StdoutBytes);
        uploads.Add((RunnerContract.StdoutObject, stdout.Content));
        uploads.Add((RunnerContract.StderrObject, stderr.Content));
        uploads.Add((RunnerContract.ResponseObject, response.Content));
        AppendCapture(json, "stdout", stdout);
        AppendCapture(json, "stderr", stderr);
        AppendCapture(json, "response", response);
        json.Append(",\"files\":").Append(files);
        if (packed is null)
        {
            json.Append(",\"output\":{\"afterResult\":true}");
        }
        else
        {
            json.Append(",\"output\":{\"bytes\":").Append(packed.Bytes.ToString(CultureInfo.InvariantCulture)).Append(",\"uploaded\":").Append(packed.Uploaded ? "true" : "false").Append('}');
        }

        var git = GitRecords();
        if (git.Count > 0)
        {
            json.Append(",\"git\":[");
            for (var i = 0; i < git.Count; i++)
            {
                json.Append(i > 0 ? ",{\"name\":" : "{\"name\":");
                JsJson.WriteString(json, git[i].Name);
                json.Append(",\"commit\":");
                JsJson.WriteString(json, git[i].Commit);
                json.Append('}');
            }

            json.Append(']');
        }

        json.Append("}\n");
        foreach (var (name, content) in uploads)
        {
            LocalStateFiles.WriteBytes(Path.Combine(UploadFolder, name), content);
        }

        // Scrub the serialized text too: secrets may sit in the summary, file contents or messages.
        LocalStateFiles.WriteBytes(Path.Combine(UploadFolder, RunnerContract.ResultObject), _scrubber.Scrub(Encoding.UTF8.GetBytes(json.ToString())));
    }

    private static void AppendCapture(StringBuilder json, string name, (byte[] Content, long Bytes, bool Truncated) capture) =>
        json.Append(CultureInfo.InvariantCulture, $",\"{name}\":{{\"bytes\":{capture.Bytes},\"truncated\":{(capture.Truncated ? "true" : "false")}}}");

    private static string IntegerOrNull(string? value) =>
        string.IsNullOrEmpty(value) || !value.All(char.IsAsciiDigit) ? "null" : JsJson.Number(double.Parse(value, CultureInfo.InvariantCulture));

    private string Attempt()
    {
        var value = _env.GetValueOrDefault(RunnerContract.AttemptVariable, string.Empty);
        if (value.Length == 0)
        {
            return "null";
        }

        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return "0";
        }

        return double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number) ? JsJson.Number(number) : "null";
    }

    /// <summary>runner.sh's main_exit_code: main.rc, 143 when the main phase began but never ended, else a failing pre.rc.</summary>
    private double? MainExitCode()
    {
        string? text = null;
        if (LocalStateFiles.ReadText(At("main.rc")) is { } main)
        {
            text = main;
        }
        else if (File.Exists(At("main.started")))
        {
            text = "143";
        }
        else if (LocalStateFiles.ReadText(At("pre.rc")) is { } pre && pre.TrimEnd('\n') != "0")
        {
            text = pre;
        }

        text = text?.TrimEnd('\n');
        return string.IsNullOrEmpty(text) ? null : double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>The last stream-json line whose type is "result", and the model of the first init line (runner-lib.js readTranscript).</summary>
    private static (JsonElement? Summary, string? Model) ReadTranscript(byte[] transcript)
    {
        var lines = Encoding.UTF8.GetString(transcript).Split('\n');
        JsonElement? summary = null;
        string? model = null;
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            var line = lines[i].Trim().Trim('\uFEFF');
            if (!line.StartsWith('{'))
            {
                continue;
            }

            JsonElement parsed;
            try
            {
                using var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 1000 });
                parsed = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }

            var type = NativeSpec.Member(parsed, "type") is { ValueKind: JsonValueKind.String } t ? t.GetString() : null;
            if (summary is null && type == "result")
            {
                summary = parsed;
            }

            if (type == "system" && NativeSpec.Member(parsed, "subtype") is { ValueKind: JsonValueKind.String } sub && sub.GetString() == "init"
                && NativeSpec.Member(parsed, "model") is { ValueKind: JsonValueKind.String } m)
            {
                model = m.GetString();
            }
        }

        return (summary, model);
    }

    /// <summary>runner-lib.js copyFlagFiles: the files object as JSON text; refusals go into <paramref name="notes"/>.</summary>
    private string FlagFiles(NativeSpec spec, string outputDir, StringBuilder notes)
    {
        var root = outputDir.Length > 0 && Directory.Exists(outputDir) ? NativePaths.RealPath(outputDir, allowMissing: false) ?? outputDir : outputDir;
        var entries = new List<(string Name, string Json)>();
        foreach (var element in spec.FlagFiles)
        {
            var name = element.ValueKind == JsonValueKind.String ? element.GetString() : null;
            var shown = JsJson.ToJsString(element);
            if (NativeSpec.UnsafeRelativePath(name) is { } reason)
            {
                notes.Append(CultureInfo.InvariantCulture, $"[runner] flag file '{shown}' refused: it {reason}\n");
                continue;
            }

            if (root.Length == 0 || NativePaths.RealPath(Path.Combine(root, name!), allowMissing: false) is not { } real)
            {
                continue; // absent: the judge reports a missing file
            }

            var relative = Path.GetRelativePath(root, real);
            var inside = relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
            if (!inside || !NativePaths.IsRegularFile(real))
            {
                notes.Append(CultureInfo.InvariantCulture, $"[runner] flag file '{name}' refused: it leaves /workspace/output or is not a regular file\n");
                continue;
            }

            var size = new FileInfo(real).Length;
            var take = Math.Min(size, spec.FlagFileBytes + _scrubber.Longest);
            var buffer = new byte[take];
            using (var stream = File.OpenRead(real))
            {
                stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }

            var content = _scrubber.Scrub(buffer);
            if (content.Length > spec.FlagFileBytes)
            {
                content = content[..(int)spec.FlagFileBytes];
            }

            var text = new StringBuilder("{\"content\":");
            JsJson.WriteString(text, Encoding.UTF8.GetString(content));
            text.Append(",\"truncated\":").Append(size > spec.FlagFileBytes ? "true" : "false").Append('}');
            var at = entries.FindIndex(e => e.Name == name);
            if (at >= 0)
            {
                entries[at] = (name!, text.ToString());
            }
            else
            {
                entries.Add((name!, text.ToString()));
            }
        }

        var ordered = JsJson.OrderKeys(entries, e => e.Name);
        var json = new StringBuilder("{");
        foreach (var (name, value) in ordered)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }

            JsJson.WriteString(json, name);
            json.Append(':').Append(value);
        }

        return json.Append('}').ToString();
    }

    private List<(string Name, string Commit)> GitRecords()
    {
        if (LocalStateFiles.ReadText(At("git.nul")) is not { } text)
        {
            return [];
        }

        var fields = text.Split('\0');
        var records = new List<(string, string)>();
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            records.Add((fields[i], fields[i + 1]));
        }

        return records;
    }

    /// <summary>The output as packed: its size, whether it is uploaded, and the notes packing wrote.</summary>
    private sealed record Packed(long Bytes, bool Uploaded, string Notes);
}
