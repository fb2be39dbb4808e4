#!/usr/bin/env node
// JSON and byte work for runner.sh, so the runner needs Node but not jq.
//
//   node runner-lib.js claim EXECUTION [TASK_INDEX]  print the claim document {execution, startedAt}
//                                                 ({execution, taskIndex, startedAt} for a packed task)
//   node runner-lib.js claim-owner FILE           print who a claim names: the execution, plus " task N"
//                                                 when it names a task of a packed execution
//   node runner-lib.js pack-line MANIFEST MANIFEST_URI TASK_INDEX [TASK_COUNT]
//                                                 check a pack manifest's line TASK_INDEX and print it as
//                                                 KEY=VALUE lines (RUN_KEY, ATTEMPT, SPEC_URI, PREFIX, TASK_INDEX)
//   node runner-lib.js spec SPEC_JSON STATE_DIR    validate spec.json and lay it out for bash (see writeSpec)
//   node runner-lib.js check-tar NAMES VERBOSE     refuse a tar listing with links, devices, absolute or '..' names
//   node runner-lib.js check-tree DIR              refuse a tree holding symbolic links or special files
//   node runner-lib.js scrub-tree DIR              replace secret values in the regular files under DIR, in place
//   node runner-lib.js finish STATE_DIR KEY=VALUE...  cap and scrub the captures, write the upload folder and result.json
//
// Secret values are read from this process's environment (runner.sh never unsets them for itself):
// ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN, GITHUB_TOKEN, GH_TOKEN and every
// name listed in RUNNER_SECRET_ENV_NAMES (comma or space separated). Values shorter than
// MIN_SECRET_LENGTH are not treated as secrets: scrubbing "1" would ruin every output.
'use strict';

const fs = require('fs');
const path = require('path');

const MIN_SECRET_LENGTH = 8;
const REDACTED = Buffer.from('[REDACTED]');
const BUILTIN_SECRET_NAMES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN'];

function fail(message, code = 2) {
  process.stderr.write(`runner-lib: ${message}\n`);
  process.exit(code);
}

// ---- secrets ---------------------------------------------------------------------------------------

function secretNeedles() {
  const names = new Set(BUILTIN_SECRET_NAMES);
  for (const name of (process.env.RUNNER_SECRET_ENV_NAMES || '').split(/[\s,]+/)) {
    if (name) names.add(name);
  }
  const values = new Set();
  for (const name of names) {
    const value = process.env[name];
    if (!value || value.length < MIN_SECRET_LENGTH) continue;
    values.add(value);
    // The same value as it appears inside a JSON string (transcripts, result.json).
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) values.add(escaped);
  }
  return [...values].sort((a, b) => b.length - a.length).map((v) => Buffer.from(v));
}

function scrub(buffer, needles) {
  let current = buffer;
  for (const needle of needles) {
    let at = current.indexOf(needle);
    if (at < 0) continue;
    const parts = [];
    let from = 0;
    while (at >= 0) {
      parts.push(current.subarray(from, at), REDACTED);
      from = at + needle.length;
      at = current.indexOf(needle, from);
    }
    parts.push(current.subarray(from));
    current = Buffer.concat(parts);
  }
  return current;
}

function longestNeedle(needles) {
  return needles.reduce((max, n) => Math.max(max, n.length), 0);
}

// ---- captures --------------------------------------------------------------------------------------

function fileSize(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

// The last `count` bytes of the concatenation of `files` (missing files count as empty).
function readTail(files, count) {
  const chunks = [];
  let wanted = count;
  for (let i = files.length - 1; i >= 0 && wanted > 0; i--) {
    const size = fileSize(files[i]);
    if (size === 0) continue;
    const take = Math.min(size, wanted);
    const buffer = Buffer.alloc(take);
    const fd = fs.openSync(files[i], 'r');
    try {
      fs.readSync(fd, buffer, 0, take, size - take);
    } finally {
      fs.closeSync(fd);
    }
    chunks.unshift(buffer);
    wanted -= take;
  }
  return Buffer.concat(chunks);
}

// Drops a cut UTF-8 sequence at the start of a tail.
function startAtCharBoundary(buffer) {
  let start = 0;
  while (start < buffer.length && start < 4 && (buffer[start] & 0xc0) === 0x80) start++;
  return buffer.subarray(start);
}

// Caps a capture keeping its tail; secrets are scrubbed before the cut so none survives at the edge.
function captureTail(files, cap, needles) {
  const bytes = files.reduce((sum, f) => sum + fileSize(f), 0);
  const raw = readTail(files, Math.min(bytes, cap + longestNeedle(needles)));
  let content = scrub(raw, needles);
  const truncated = bytes > cap;
  if (content.length > cap) content = content.subarray(content.length - cap);
  if (truncated) content = startAtCharBoundary(content);
  return { content, capture: { bytes, truncated } };
}

function bufferTail(buffer, cap, needles) {
  const bytes = buffer.length;
  let content = scrub(buffer, needles);
  const truncated = bytes > cap;
  if (content.length > cap) content = content.subarray(content.length - cap);
  if (truncated) content = startAtCharBoundary(content);
  return { content, capture: { bytes, truncated } };
}

// ---- paths -----------------------------------------------------------------------------------------

// The rules of Domain's SafeRelativePath: relative, '/'-separated, no empty, '.' or '..' segments.
function unsafeRelativePath(name) {
  if (typeof name !== 'string' || name.length === 0) return 'is empty';
  if (name.length > 255) return 'is longer than 255 characters';
  if (/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/u.test(name)) return 'holds control or formatting characters';
  if (name.includes('\\') || name.includes(':')) return "holds '\\' or ':'";
  if (name.startsWith('/') || name.startsWith('~')) return 'is absolute';
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return "has an empty, '.' or '..' segment";
    if (segment.startsWith('-')) return "has a segment starting with '-'";
  }
  return null;
}

function isInside(root, candidate) {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

// ---- commands --------------------------------------------------------------------------------------

function claim(execution, taskIndex) {
  const document = taskIndex === undefined || taskIndex === ''
    ? { execution, startedAt: new Date().toISOString() }
    : { execution, taskIndex: Number(taskIndex), startedAt: new Date().toISOString() };
  process.stdout.write(JSON.stringify(document) + '\n');
}

function claimOwner(file) {
  let document;
  try {
    document = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`the claim is not JSON: ${error.message}`);
  }
  const execution = typeof document?.execution === 'string' ? document.execution : '';
  const task = Number.isSafeInteger(document?.taskIndex) ? ` task ${document.taskIndex}` : '';
  process.stdout.write(execution + task);
}

// ---- packed executions -----------------------------------------------------------------------------

// One segment of a bucket layout name: Domain's BatchIds pattern, a little longer (nonces, pack ids).
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const MANIFEST_URI = /^(gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]\/runs\/([^/]+)\/([^/]+)\/)_packs\/([^/]+)\/manifest\.tsv$/;
const RUN_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,255}$/;
const ATTEMPT = /^[1-9][0-9]{0,8}$/;
const INDEX = /^(0|[1-9][0-9]{0,8})$/;

// The segments of `uri` after `base`, or null when it is not under base or a segment is unsafe.
function segmentsUnder(base, uri) {
  if (!uri.startsWith(base)) return null;
  const segments = uri.slice(base.length).split('/');
  return segments.every((segment) => SAFE_SEGMENT.test(segment)) ? segments : null;
}

// Line TASK_INDEX (0-based) of a pack manifest: `runKey TAB attempt TAB specUri TAB attemptPrefixUri`, every line
// ending in '\n'. The spec and the prefix must lie under the manifest's own gs://BUCKET/runs/{batch}/{nonce}/
// (a manifest names attempts of its own batch only), the prefix must be {task}/{idx}/a{attempt}/ there, and the
// spec a .../spec.json there.
function packLine(file, manifestUri, indexText, countText) {
  const layout = MANIFEST_URI.exec(manifestUri || '');
  if (!layout || ![layout[2], layout[3], layout[4]].every((segment) => SAFE_SEGMENT.test(segment))) {
    fail(`the manifest URI ${manifestUri} is not gs://BUCKET/runs/{batch}/{nonce}/_packs/{packId}/manifest.tsv`);
  }
  const base = layout[1];
  if (!INDEX.test(indexText || '')) fail(`CLOUD_RUN_TASK_INDEX '${indexText}' is not a task index`);
  const index = Number(indexText);
  if (countText !== undefined && countText !== '') {
    if (!INDEX.test(countText) || Number(countText) < 1) fail(`CLOUD_RUN_TASK_COUNT '${countText}' is not a task count`);
    if (index >= Number(countText)) fail(`task index ${index} is not below the task count ${countText}`);
  }
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  // The part after the last '\n' is empty when every line is terminated.
  if (index >= lines.length - 1) {
    const complete = lines.length - 1;
    fail(`the manifest has no line ${index} (it has ${complete} complete line${complete === 1 ? '' : 's'})`);
  }
  const line = lines[index];
  const where = `manifest line ${index}`;
  const fields = line.split('\t');
  if (fields.length !== 4) fail(`${where} has ${fields.length} tab-separated fields, not 4 (runKey, attempt, specUri, attemptPrefixUri)`);
  const [runKey, attempt, specUri, prefixUri] = fields;
  if (!RUN_KEY.test(runKey)) fail(`${where}: the run key ${JSON.stringify(runKey)} is malformed`);
  if (!ATTEMPT.test(attempt)) fail(`${where}: the attempt ${JSON.stringify(attempt)} is not a positive integer`);
  const spec = segmentsUnder(base, specUri);
  if (!spec || spec[spec.length - 1] !== 'spec.json') {
    fail(`${where}: the spec ${JSON.stringify(specUri)} is not a spec.json under the manifest's own ${base}`);
  }
  const prefix = segmentsUnder(base, prefixUri.endsWith('/') ? prefixUri.slice(0, -1) : '\0');
  if (!prefix || prefix.length !== 3 || !/^(0|[1-9][0-9]*)$/.test(prefix[1]) || !/^a[1-9][0-9]*$/.test(prefix[2])) {
    fail(`${where}: the attempt prefix ${JSON.stringify(prefixUri)} is not ${base}{task}/{idx}/a{k}/ (the manifest's own batch)`);
  }
  if (prefix[2] !== `a${attempt}`) fail(`${where}: attempt ${attempt} does not match the prefix ${prefixUri}, which ends in ${prefix[2]}/`);
  process.stdout.write(`RUN_KEY=${runKey}\nATTEMPT=${attempt}\nSPEC_URI=${specUri}\nPREFIX=${prefixUri}\nTASK_INDEX=${index}\n`);
}

function positiveInteger(value, name, fallback) {
  if (value === undefined || value === null) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) fail(`spec.${name} must be a non-negative integer`);
  return value;
}

function limitsOf(spec) {
  const limits = spec.limits || {};
  return {
    stdoutBytes: positiveInteger(limits.stdoutBytes, 'limits.stdoutBytes', 1024 * 1024),
    responseBytes: positiveInteger(limits.responseBytes, 'limits.responseBytes', 1024 * 1024),
    flagFileBytes: positiveInteger(limits.flagFileBytes, 'limits.flagFileBytes', 64 * 1024),
    outputTarBytes: positiveInteger(limits.outputTarBytes, 'limits.outputTarBytes', 256 * 1024 * 1024),
    // Domain's AttemptTimeLimits.DefaultSetupSeconds; PrepareBatch always writes it.
    setupSeconds: positiveInteger(limits.setupSeconds, 'limits.setupSeconds', 600),
  };
}

function nulJoin(values) {
  for (const value of values) {
    if (String(value).includes('\0')) fail('a value holds a NUL character');
  }
  return values.map((v) => `${v}\0`).join('');
}

function claudeArgs(spec) {
  const claude = spec.claude;
  if (!claude || typeof claude.model !== 'string' || claude.model.length === 0) fail('a claude task needs claude.model');
  const args = ['-p', '--output-format', 'stream-json', '--verbose', '--model', claude.model];
  if (claude.maxTurns !== undefined && claude.maxTurns !== null) {
    args.push('--max-turns', String(positiveInteger(claude.maxTurns, 'claude.maxTurns')));
  }
  if (claude.maxBudgetUsd !== undefined && claude.maxBudgetUsd !== null) {
    if (typeof claude.maxBudgetUsd !== 'number' || !(claude.maxBudgetUsd > 0)) fail('spec.claude.maxBudgetUsd must be a positive number');
    args.push('--max-budget-usd', String(claude.maxBudgetUsd));
  }
  if (claude.systemPrompt) args.push('--system-prompt', claude.systemPrompt);
  if (claude.appendSystemPrompt) args.push('--append-system-prompt', claude.appendSystemPrompt);
  const allowed = claude.allowedTools || [];
  const disallowed = claude.disallowedTools || [];
  if (allowed.length > 0) args.push('--allowedTools', allowed.join(','));
  if (disallowed.length > 0) args.push('--disallowedTools', disallowed.join(','));
  // Never prompt: inside the image (non-root, the container is the sandbox) permissions are skipped;
  // anywhere else, or as root, edits are accepted and tools not pre-approved are refused, not asked.
  const skip = process.env.RUNNER_CLAUDE_SKIP_PERMISSIONS === '1' && typeof process.getuid === 'function' && process.getuid() !== 0;
  if (skip) args.push('--dangerously-skip-permissions');
  else args.push('--permission-mode', 'acceptEdits');
  return args;
}

function inputRecords(spec) {
  const records = [];
  for (const input of spec.inputs || []) {
    const name = input.name;
    const sources = ['bundle', 'git', 'gcs'].filter((k) => input[k] !== undefined && input[k] !== null);
    if (sources.length !== 1) fail(`input '${name}' must have exactly one of bundle, git, gcs`);
    // '.' is the input root itself: the bundle of a task's inline inputs, laid out by their names.
    const reason = sources[0] === 'bundle' && name === '.' ? null : unsafeRelativePath(name);
    if (reason) fail(`input name '${name}' ${reason}`);
    if (sources[0] === 'bundle') {
      if (typeof input.bundle !== 'string' || !input.bundle.startsWith('gs://')) fail(`input '${name}': bundle must be a gs:// URI`);
      records.push(['bundle', name, input.bundle, '']);
    } else if (sources[0] === 'git') {
      const git = input.git;
      if (typeof git.url !== 'string' || git.url.length === 0 || git.url.startsWith('-')) fail(`input '${name}': git.url is missing`);
      if (typeof git.commit !== 'string' || !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(git.commit)) fail(`input '${name}': git.commit must be a full commit SHA`);
      records.push(['git', name, git.url, git.commit]);
    } else {
      const gcs = input.gcs;
      if (typeof gcs.uri !== 'string' || !/^gs:\/\/[a-z0-9][a-z0-9._-]*[a-z0-9]\/./.test(gcs.uri)) fail(`input '${name}': gcs.uri must be gs://bucket/object`);
      if (gcs.generation !== undefined && gcs.generation !== null && !/^[0-9]+$/.test(gcs.generation)) fail(`input '${name}': gcs.generation must be digits`);
      records.push(['gcs', name, gcs.uri, gcs.generation || '']);
    }
  }
  return records;
}

// Lays spec.json out as files bash can read without parsing JSON:
//   vars            KEY=VALUE lines of integers and fixed words only
//   pre.sh main.sh post.sh   the commands, run as scripts (never as one argument)
//   prompt.txt      the prompt (fed on stdin); claude.args  NUL-separated arguments of claude
//   env.nul         NUL-separated KEY=VALUE for the work; inputs.nul  4 NUL-terminated fields per input
function writeSpec(specFile, dir) {
  let spec;
  try {
    spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
  } catch (error) {
    fail(`spec.json is not JSON: ${error.message}`);
  }
  if (spec === null || typeof spec !== 'object') fail('spec.json is not an object');
  const kind = spec.kind;
  if (kind !== 'command' && kind !== 'claude') fail(`spec.kind must be "command" or "claude", not ${JSON.stringify(kind)}`);
  const timeoutSeconds = positiveInteger(spec.timeoutSeconds, 'timeoutSeconds');
  if (!(timeoutSeconds > 0)) fail('spec.timeoutSeconds must be positive');
  const limits = limitsOf(spec);
  const write = (name, content) => fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });

  if (kind === 'command') {
    if (typeof spec.command !== 'string' || spec.command.length === 0) fail('a command task needs a command');
    write('main.sh', spec.command);
  } else {
    if (typeof spec.prompt !== 'string' || spec.prompt.length === 0) fail('a claude task needs a prompt');
    write('prompt.txt', spec.prompt);
    write('claude.args', nulJoin(claudeArgs(spec)));
  }
  if (typeof spec.preCommand === 'string' && spec.preCommand.length > 0) write('pre.sh', spec.preCommand);
  if (typeof spec.postCommand === 'string' && spec.postCommand.length > 0) write('post.sh', spec.postCommand);

  const env = [];
  for (const [key, value] of Object.entries(spec.env || {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) fail(`env name '${key}' is not a valid variable name`);
    if (typeof value !== 'string') fail(`env '${key}' must be a string`);
    env.push(`${key}=${value}`);
  }
  write('env.nul', nulJoin(env));
  write('inputs.nul', nulJoin(inputRecords(spec).flat()));

  const runnerVersion = /^[A-Za-z0-9._-]{1,64}$/.test(spec.runnerVersion || '') ? spec.runnerVersion : 'unknown';
  write('vars', [
    `KIND=${kind}`,
    `TIMEOUT_SECONDS=${timeoutSeconds}`,
    `SETUP_SECONDS=${limits.setupSeconds}`,
    `OUTPUT_TAR_BYTES=${limits.outputTarBytes}`,
    `SPEC_RUNNER_VERSION=${runnerVersion}`,
  ].join('\n') + '\n');
}

// `tar -tzf` and `tar -tvzf` print one line per member, in the same order (GNU tar escapes newlines in
// names). Only regular files and folders with relative names that stay inside are accepted.
function checkTar(namesFile, verboseFile) {
  const split = (file) => fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0);
  const names = split(namesFile);
  const verbose = split(verboseFile);
  if (names.length !== verbose.length) fail('the tar listing is inconsistent (names with line breaks?)');
  for (let i = 0; i < names.length; i++) {
    const type = verbose[i][0];
    if (type !== '-' && type !== 'd') fail(`the bundle holds a link or special file: ${names[i]}`);
    const name = names[i];
    if (name.startsWith('/')) fail(`the bundle holds an absolute path: ${name}`);
    if (name.split('/').some((segment) => segment === '..')) fail(`the bundle holds a path with '..': ${name}`);
  }
}

function walk(dir, visit) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    visit(full, entry);
    if (entry.isDirectory()) walk(full, visit);
  }
}

function checkTree(dir) {
  walk(dir, (full, entry) => {
    if (!entry.isFile() && !entry.isDirectory()) fail(`refusing ${full}: not a regular file or folder`);
  });
}

function scrubTree(dir) {
  const needles = secretNeedles();
  if (needles.length === 0 || !fs.existsSync(dir)) return;
  walk(dir, (full, entry) => {
    if (!entry.isFile()) return;
    const content = fs.readFileSync(full);
    const scrubbed = scrub(content, needles);
    if (scrubbed !== content) fs.writeFileSync(full, scrubbed);
  });
}

// The last line of a stream-json transcript whose type is "result", and the model of its init line.
function readTranscript(buffer) {
  const lines = buffer.toString('utf8').split('\n');
  let summary = null;
  let model = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!line.startsWith('{')) continue;
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (summary === null && event.type === 'result') summary = event;
    if (event.type === 'system' && event.subtype === 'init' && typeof event.model === 'string') model = event.model;
  }
  return { summary, model };
}

function copyFlagFiles(spec, outputDir, cap, needles, notes) {
  const files = {};
  const root = fs.existsSync(outputDir) ? fs.realpathSync(outputDir) : outputDir;
  for (const name of spec.flagFiles || []) {
    const reason = unsafeRelativePath(name);
    if (reason) {
      notes.push(`flag file '${name}' refused: it ${reason}`);
      continue;
    }
    const full = path.join(root, name);
    let real;
    try {
      real = fs.realpathSync(full);
    } catch {
      continue; // absent: the judge reports a missing file
    }
    if (!isInside(root, real) || !fs.statSync(real).isFile()) {
      notes.push(`flag file '${name}' refused: it leaves /workspace/output or is not a regular file`);
      continue;
    }
    const size = fs.statSync(real).size;
    const take = Math.min(size, cap + longestNeedle(needles));
    const buffer = Buffer.alloc(take);
    const fd = fs.openSync(real, 'r');
    try {
      fs.readSync(fd, buffer, 0, take, 0);
    } finally {
      fs.closeSync(fd);
    }
    let content = scrub(buffer, needles);
    if (content.length > cap) content = content.subarray(0, cap);
    files[name] = { content: content.toString('utf8'), truncated: size > cap };
  }
  return files;
}

function parseFinishArgs(pairs) {
  const values = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0) values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return values;
}

// Writes STATE_DIR/upload/{stdout.txt, stderr.txt, response.txt, transcript.jsonl?, result.json}.
// Captures: stdout = pre.out + main.out + post.out (Claude: main.out is empty, its stdout is the
// transcript); stderr = pre.err + main.err + post.err + runner.notes; response = Claude's final result
// text, or the main command's stdout. All capped keeping the tail, all scrubbed.
function finish(dir, pairs) {
  const args = parseFinishArgs(pairs);
  const spec = JSON.parse(fs.readFileSync(path.join(dir, 'spec.json'), 'utf8'));
  const limits = limitsOf(spec);
  const needles = secretNeedles();
  const upload = path.join(dir, 'upload');
  fs.mkdirSync(upload, { recursive: true });
  const at = (name) => path.join(dir, name);
  const notes = [];

  const result = {
    exitCode: args.exitCode === undefined || args.exitCode === '' ? null : Number(args.exitCode),
    termination: args.termination || 'none',
    startedAt: args.startedAt || null,
    endedAt: args.endedAt || null,
    runnerVersion: args.runnerVersion || null,
    execution: args.execution || null,
    // Only a task of a packed execution records its index (a single execution's result.json is unchanged).
    ...(args.taskIndex === undefined ? {} : { taskIndex: Number(args.taskIndex) }),
    attempt: args.attempt ? Number(args.attempt) : null,
    workLimitSeconds: integerOrNull(args.workLimitSeconds),
    preCommandExitCode: integerOrNull(args.preCommandExitCode),
    postCommandExitCode: integerOrNull(args.postCommandExitCode),
  };

  let response;
  if (spec.kind === 'claude') {
    const transcriptPath = at('transcript.jsonl');
    const transcript = scrub(fs.existsSync(transcriptPath) ? fs.readFileSync(transcriptPath) : Buffer.alloc(0), needles);
    fs.writeFileSync(path.join(upload, 'transcript.jsonl'), transcript);
    const { summary, model } = readTranscript(transcript);
    const text = summary && typeof summary.result === 'string' ? summary.result : '';
    response = bufferTail(Buffer.from(text, 'utf8'), limits.responseBytes, needles);
    result.claude = {
      version: args.claudeVersion || null,
      model: model || (spec.claude && spec.claude.model) || null,
      summary,
    };
  } else {
    response = captureTail([at('main.out')], limits.responseBytes, needles);
  }

  const files = copyFlagFiles(spec, args.outputDir || '', limits.flagFileBytes, needles, notes);
  if (notes.length > 0) fs.appendFileSync(at('runner.notes'), notes.map((n) => `[runner] ${n}\n`).join(''));

  const stdout = captureTail(['pre.out', 'main.out', 'post.out'].map(at), limits.stdoutBytes, needles);
  const stderr = captureTail(['pre.err', 'main.err', 'post.err', 'runner.notes'].map(at), limits.stdoutBytes, needles);
  fs.writeFileSync(path.join(upload, 'stdout.txt'), stdout.content);
  fs.writeFileSync(path.join(upload, 'stderr.txt'), stderr.content);
  fs.writeFileSync(path.join(upload, 'response.txt'), response.content);
  result.stdout = stdout.capture;
  result.stderr = stderr.capture;
  result.response = response.capture;
  result.files = files;
  if (args.outputAfterResult === '1') {
    // After a SIGTERM the output is packed and uploaded once result.json is stored, if time allows.
    result.output = { afterResult: true };
  } else if (args.outputBytes !== undefined) {
    result.output = { bytes: Number(args.outputBytes), uploaded: args.outputUploaded === '1' };
  }
  const git = gitRecords(at('git.nul'));
  if (git.length > 0) result.git = git;

  // Scrub the serialized text too: secrets may sit in the summary, file contents or messages.
  const json = scrub(Buffer.from(JSON.stringify(result) + '\n', 'utf8'), needles);
  fs.writeFileSync(path.join(upload, 'result.json'), json);
}

function integerOrNull(value) {
  return value === undefined || value === '' || !/^[0-9]+$/.test(value) ? null : Number(value);
}

function gitRecords(file) {
  if (!fs.existsSync(file)) return [];
  const fields = fs.readFileSync(file, 'utf8').split('\0');
  const records = [];
  for (let i = 0; i + 1 < fields.length; i += 2) records.push({ name: fields[i], commit: fields[i + 1] });
  return records;
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'claim':
    claim(rest[0] || '', rest[1]);
    break;
  case 'claim-owner':
    claimOwner(rest[0]);
    break;
  case 'pack-line':
    packLine(rest[0], rest[1], rest[2], rest[3]);
    break;
  case 'spec':
    writeSpec(rest[0], rest[1]);
    break;
  case 'check-tar':
    checkTar(rest[0], rest[1]);
    break;
  case 'check-tree':
    checkTree(rest[0]);
    break;
  case 'scrub-tree':
    scrubTree(rest[0]);
    break;
  case 'finish':
    finish(rest[0], rest.slice(1));
    break;
  default:
    fail(`unknown command '${command}'`);
}
