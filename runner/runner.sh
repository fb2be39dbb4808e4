#!/usr/bin/env bash
# The runner: the container entrypoint of every Cloud Run job execution (shared/DESIGN.md section 9).
# One execution = one attempt of one run of one task:
#   1. claim    create ${RUN_PREFIX}claim if absent ({execution, startedAt}); a claim naming another
#               execution means this one is a duplicate of a retried :run, so it exits 0 and writes nothing
#   2. inputs   download spec.json; unpack bundles (no links, no absolute or '..' names), clone git
#               inputs at their pinned commit, copy gcs objects or prefixes, all under WORKSPACE/input
#   3. work     preCommand, the command (a script file) or Claude (prompt on stdin), postCommand, with
#               cwd = WORKSPACE, in their own process group under timeoutSeconds (setup and uploads have
#               their own time on top: the execution's task timeout is timeoutSeconds + setup + margin)
#   4. upload   stdout.txt, stderr.txt, response.txt, transcript.jsonl (Claude), output.tar.gz, then
#               result.json last; every text scrubbed of known secret values, captures capped (tails kept);
#               each object created only if absent (the runner's accounts may not overwrite or delete)
# SIGTERM (Cloud Run's cancel) stops the work, and what exists is uploaded with termination "cancel";
# the runner's own deadline gives termination "timeout". Cloud Run sends SIGKILL about 10 s after
# SIGTERM, so after a SIGTERM the captures and result.json go first and output.tar.gz (whose packing
# alone can take longer than that) follows result.json, as time allows.
#
# A packed execution (RUN_PACK_MANIFEST_URI set): Cloud Run runs CLOUD_RUN_TASK_COUNT tasks of one execution;
# each reads line CLOUD_RUN_TASK_INDEX of the pack manifest (runKey, attempt, specUri, attemptPrefixUri) and
# is then one attempt exactly as above, with a claim naming the execution and its task index. A packed task
# also stops for the cancel marker ${RUN_PREFIX}cancel: present after the claim, nothing more is done (exit
# 0); appearing later (polled every RUNNER_CANCEL_POLL_SECONDS), it acts as a SIGTERM. See runner/README.md.
#
# Exit status: 0 whenever the work ran (whatever its exit code) and for a duplicate; non-zero only for
# infrastructure failures: a refused pack manifest line, no claim (other than a duplicate), no spec, an input that cannot be fetched
# or is refused, an upload that fails. Then result.json is absent and the orchestrator sees an error.
#
# Environment (set by the job or the local runner):
#   RUN_SPEC_URI          gs:// URI of the task's spec.json                                  (required)
#   RUN_PREFIX            gs://bucket/runs/{batch}/{nonce}/{task}/{idx}/a{k}/, ends in '/'      (required)
#   CLOUD_RUN_EXECUTION   this execution's name (set by Cloud Run and the local runner)        (required)
#   RUN_ATTEMPT           the attempt number k (recorded in result.json)
#   RUN_PACK_MANIFEST_URI gs://bucket/runs/{batch}/{nonce}/_packs/{packId}/manifest.tsv: a packed execution,
#                         whose line CLOUD_RUN_TASK_INDEX gives RUN_SPEC_URI, RUN_PREFIX and RUN_ATTEMPT
#                         (which must then not be set)
#   CLOUD_RUN_TASK_INDEX, CLOUD_RUN_TASK_COUNT  the task and the task count (set by Cloud Run; packed only)
#   RUNNER_CANCEL_POLL_SECONDS  how often a packed task looks for its cancel marker while it runs (default 10)
#   RUNNER_WORKSPACE      the workspace root                                           (default /workspace)
#   RUNNER_SECRET_ENV_NAMES  more env names whose values are scrubbed (comma or space separated);
#                            ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN,
#                            GITHUB_TOKEN and GH_TOKEN always are
#   RUNNER_CLAUDE_SKIP_PERMISSIONS  1 = run Claude with --dangerously-skip-permissions (the image sets
#                            it: the container is the sandbox); refused as root. Otherwise
#                            --permission-mode acceptEdits: edits allowed, other tools only if listed
#                            in allowedTools, and nothing ever prompts
#   RUNNER_ALLOW_FILE_GIT   1 = also accept file:// git URLs (tests and local mode); otherwise https only
#   RUNNER_KILL_AFTER_SECONDS   grace between TERM and KILL at the deadline                 (default 5)
#   RUNNER_CANCEL_GRACE_SECONDS grace between TERM and KILL on cancel (Cloud Run allows 10 s) (default 2)
#   GITHUB_TOKEN / GH_TOKEN  used for git inputs through a credential helper (never on the command line)
set -euo pipefail

# gcloud 528 uploads files over 150 MiB as parallel composite uploads: parts written under gcloud/tmp/ at
# the bucket root, composed, then deleted. The runner's accounts may create objects under runs/ only and
# delete nothing, so an output.tar.gz of 150-256 MiB would fail. Off here as in the image (the env form
# of the property storage/parallel_composite_upload_enabled), so a custom image is covered too.
export CLOUDSDK_STORAGE_PARALLEL_COMPOSITE_UPLOAD_ENABLED=False

readonly RUNNER_VERSION=1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly here
workspace=${RUNNER_WORKSPACE:-/workspace}
kill_after=${RUNNER_KILL_AFTER_SECONDS:-5}
cancel_grace=${RUNNER_CANCEL_GRACE_SECONDS:-2}
runner_start=$(date +%s)

state=""
claimed=0
cancelled=0
output_after_result=0
term_sent=0
work_pid=""
packed=0
pack_task_index=""
cancel_poll=""
cancel_poller_pid=""

lib() { node "$here/runner-lib.js" "$@"; }
now_iso() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

log() {
  printf 'runner: %s\n' "$*" >&2
  if [[ -n "$state" ]]; then printf '[runner] %s\n' "$*" >>"$state/runner.notes"; fi
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  stop_cancel_poller
  if [[ -n "$state" ]]; then rm -rf "$state"; fi
}

# An infrastructure failure: no result.json. Once the attempt is ours, the reason goes to stderr.txt.
die() {
  log "$*"
  if ((claimed)); then
    mkdir -p "$state/failure"
    cp "$state/runner.notes" "$state/failure/stderr.txt"
    lib scrub-tree "$state/failure" || true
    gcloud storage cp "$state/failure/stderr.txt" "${RUN_PREFIX}stderr.txt" >/dev/null 2>&1 || true
  fi
  exit 1
}

on_term() {
  cancelled=1
  if [[ -n "$work_pid" ]] && ((!term_sent)); then
    term_sent=1
    kill -TERM -- "-$work_pid" 2>/dev/null || kill -TERM "$work_pid" 2>/dev/null || true
    (sleep "$cancel_grace" && kill -KILL -- "-$work_pid") >/dev/null 2>&1 &
  fi
}

# Runs a command in the background and waits for it: bash runs a trap only between foreground commands,
# so a SIGTERM during a long download would otherwise wait for the download. After a SIGTERM the command
# is stopped (TERM, then KILL a second later), or not started at all, and the status is 143.
interruptible() {
  if ((cancelled)); then return 143; fi
  "$@" &
  local pid=$! rc=0 i
  while :; do
    if wait "$pid"; then rc=0; else rc=$?; fi
    kill -0 "$pid" 2>/dev/null || return "$rc"
    if ((cancelled)); then
      kill -TERM "$pid" 2>/dev/null || true
      for ((i = 0; i < 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      return 143
    fi
  done
}

require_env() {
  local name
  for name in RUN_SPEC_URI RUN_PREFIX CLOUD_RUN_EXECUTION; do
    [[ -n "${!name:-}" ]] || die "$name is not set"
  done
  [[ "$RUN_PREFIX" == gs://*/ ]] || die "RUN_PREFIX must be a gs:// prefix ending in '/'"
}

# A packed execution: this task's attempt is line CLOUD_RUN_TASK_INDEX of the pack manifest, checked by
# runner-lib.js (fields, attempt against the prefix, everything under the manifest's own batch). Any doubt is a
# refusal before the claim: exit 1, nothing written.
resolve_pack() {
  packed=1
  local name
  for name in RUN_SPEC_URI RUN_PREFIX RUN_ATTEMPT; do
    [[ -z "${!name:-}" ]] || die "refusing a packed task: RUN_PACK_MANIFEST_URI and $name are both set (ambiguous)"
  done
  cancel_poll=${RUNNER_CANCEL_POLL_SECONDS:-10}
  if [[ ! "$cancel_poll" =~ ^[0-9]+(\.[0-9]+)?$ ]] || [[ "$cancel_poll" =~ ^0*(\.0*)?$ ]]; then
    die "refusing a packed task: RUNNER_CANCEL_POLL_SECONDS must be a positive number of seconds"
  fi
  if ! gcloud storage cp "$RUN_PACK_MANIFEST_URI" "$state/manifest.tsv" >/dev/null 2>"$state/manifest.err"; then
    die "refusing a packed task: could not read the pack manifest $RUN_PACK_MANIFEST_URI: $(tail -n 2 "$state/manifest.err" | tr '\n' ' ')"
  fi
  local reason
  if ! reason=$(lib pack-line "$state/manifest.tsv" "$RUN_PACK_MANIFEST_URI" "${CLOUD_RUN_TASK_INDEX:-}" \
    "${CLOUD_RUN_TASK_COUNT:-}" 2>&1 >"$state/pack.vars"); then
    die "refusing a packed task of $RUN_PACK_MANIFEST_URI: ${reason#runner-lib: }"
  fi
  local key value run_key=""
  while IFS='=' read -r key value; do
    case "$key" in
      RUN_KEY) run_key=$value ;;
      ATTEMPT) RUN_ATTEMPT=$value ;;
      SPEC_URI) RUN_SPEC_URI=$value ;;
      PREFIX) RUN_PREFIX=$value ;;
      TASK_INDEX) pack_task_index=$value ;;
    esac
  done <"$state/pack.vars"
  # The work sees the same environment as in a single execution of this attempt.
  export RUN_SPEC_URI RUN_PREFIX RUN_ATTEMPT
  printf 'runner: packed task %s of %s: run %s, attempt %s\n' "$pack_task_index" "$RUN_PACK_MANIFEST_URI" "$run_key" "$RUN_ATTEMPT" >&2
}

# Who this runner is in a claim: the execution, and in a packed execution its task (as claim-owner prints it).
claimant() {
  if ((packed)); then printf '%s task %s' "$CLOUD_RUN_EXECUTION" "$pack_task_index"; else printf '%s' "$CLOUD_RUN_EXECUTION"; fi
}

claim() {
  lib claim "$CLOUD_RUN_EXECUTION" "$pack_task_index" >"$state/claim.json"
  if gcloud storage cp "$state/claim.json" "${RUN_PREFIX}claim" --if-generation-match=0 >/dev/null 2>"$state/claim.err"; then
    claimed=1
    return
  fi
  grep -qiE '412|pre-?condition' "$state/claim.err" || die "could not claim the attempt: $(tail -n 3 "$state/claim.err")"
  gcloud storage cat "${RUN_PREFIX}claim" >"$state/claim.existing" 2>>"$state/claim.err" || die "could not read the existing claim"
  local owner
  owner=$(lib claim-owner "$state/claim.existing") || die "could not read the existing claim"
  if [[ "$owner" != "$(claimant)" ]]; then
    printf 'runner: duplicate execution: the attempt is claimed by %s; exiting\n' "$owner" >&2
    exit 0
  fi
  log "the claim already names this execution (a retried upload); going on"
  claimed=1
}

# Whether the cancel marker of a packed task's attempt exists: 0 yes, 1 no, 2 unknown (a read failure).
cancel_marker_present() { # errors-file
  if gcloud storage cat "${RUN_PREFIX}cancel" >/dev/null 2>"$1"; then return 0; fi
  if grep -q 'matched no objects' "$1"; then return 1; fi
  return 2
}

# Polls the cancel marker while the attempt runs; when it appears, signals this runner with SIGTERM, so a
# cancelled packed task takes the path of Cloud Run's cancel (on_term). A read failure is noted and the
# polling goes on.
start_cancel_poller() {
  local runner_pid=$$
  (
    nap=""
    trap 'if [[ -n "$nap" ]]; then kill "$nap" 2>/dev/null; fi; exit 0' TERM
    while :; do
      sleep "$cancel_poll" &
      nap=$!
      wait "$nap" || true
      nap=""
      rc=0
      cancel_marker_present "$state/cancel-poll.err" || rc=$?
      if ((rc == 0)); then
        log "the cancel marker ${RUN_PREFIX}cancel is present: stopping the attempt"
        kill -TERM "$runner_pid"
        exit 0
      elif ((rc == 2)); then
        log "could not read the cancel marker: $(tail -n 1 "$state/cancel-poll.err")"
      fi
    done
  ) </dev/null &
  cancel_poller_pid=$!
}

stop_cancel_poller() {
  if [[ -n "$cancel_poller_pid" ]]; then
    kill -TERM "$cancel_poller_pid" 2>/dev/null || true
    wait "$cancel_poller_pid" 2>/dev/null || true
    cancel_poller_pid=""
  fi
}

# A packed task's cancel marker, read once right after the claim: present, the orchestrator has cancelled the
# run before it started, so nothing more is written (no result.json: the orchestrator records the cancel).
check_cancel_before_start() {
  local rc=0
  cancel_marker_present "$state/cancel.err" || rc=$?
  if ((rc == 0)); then
    printf 'runner: the run was cancelled before it started (%scancel exists); exiting\n' "$RUN_PREFIX" >&2
    exit 0
  elif ((rc == 2)); then
    log "could not read the cancel marker; going on: $(tail -n 1 "$state/cancel.err")"
  fi
}

read_spec() {
  # Not interruptible: a small object, and without it no result.json can be written.
  gcloud storage cp "$RUN_SPEC_URI" "$state/spec.json" >/dev/null 2>>"$state/runner.notes" || die "could not download $RUN_SPEC_URI"
  lib spec "$state/spec.json" "$state" 2>>"$state/runner.notes" || die "spec.json is not valid"
  local key value
  while IFS='=' read -r key value; do
    case "$key" in
      KIND) kind=$value ;;
      TIMEOUT_SECONDS) timeout_seconds=$value ;;
      SETUP_SECONDS) setup_seconds=$value ;;
      OUTPUT_TAR_BYTES) output_tar_bytes=$value ;;
      SPEC_RUNNER_VERSION) spec_runner_version=$value ;;
    esac
  done <"$state/vars"
  if [[ "$spec_runner_version" != "$RUNNER_VERSION" ]]; then
    log "spec.json was written for runner version $spec_runner_version; this is version $RUNNER_VERSION"
  fi
}

# The destination of an input, which must stay under the input root even through existing links.
input_destination() { # name
  local root="$workspace/input" dest parent
  if [[ "$1" == . ]]; then dest=$root; else dest="$root/$1"; fi
  parent=$(dirname "$dest")
  mkdir -p "$parent" || return 1
  case "$(realpath -m "$dest")/" in
    "$(realpath "$root")"/*) printf '%s' "$dest" ;;
    *) log "input '$1' would leave the input folder"; return 1 ;;
  esac
}

input_bundle() { # name uri
  local dest tgz="$state/bundle.tar.gz"
  dest=$(input_destination "$1") || return 1
  interruptible gcloud storage cp "$2" "$tgz" >/dev/null 2>>"$state/runner.notes" || { log "could not download $2"; return 1; }
  tar -tzf "$tgz" >"$state/tar.names" 2>>"$state/runner.notes" || { log "$2 is not a tar.gz"; return 1; }
  tar -tvzf "$tgz" >"$state/tar.verbose" 2>>"$state/runner.notes" || return 1
  lib check-tar "$state/tar.names" "$state/tar.verbose" 2>>"$state/runner.notes" || return 1
  mkdir -p "$dest" || return 1
  interruptible tar -xzf "$tgz" -C "$dest" --no-same-owner --no-same-permissions 2>>"$state/runner.notes" || return 1
  rm -f "$tgz"
}

input_git() { # name url commit
  local dest
  dest=$(input_destination "$1") || return 1
  if [[ -e "$dest" ]] && [[ -n "$(ls -A "$dest")" ]]; then log "input '$1': $dest is not empty"; return 1; fi
  local -a config=(-c advice.detachedHead=false -c protocol.allow=never -c protocol.https.allow=always)
  if [[ "${RUNNER_ALLOW_FILE_GIT:-}" == 1 ]]; then config+=(-c protocol.file.allow=always); fi
  if [[ -n "${GITHUB_TOKEN:-}${GH_TOKEN:-}" ]]; then
    # The helper reads the token from the environment, so it never appears in an argument list.
    # shellcheck disable=SC2016
    config+=(-c credential.helper= -c 'credential.helper=!f() { test "$1" = get || exit 0; echo username=x-access-token; echo "password=${GITHUB_TOKEN:-$GH_TOKEN}"; }; f')
  fi
  local -x GIT_TERMINAL_PROMPT=0
  git "${config[@]}" init -q "$dest" 2>>"$state/runner.notes" || return 1
  git -C "$dest" "${config[@]}" remote add origin "$2" || return 1
  if ! interruptible git -C "$dest" "${config[@]}" fetch -q --depth 1 origin "$3" 2>/dev/null; then
    ((!cancelled)) || return 1
    interruptible git -C "$dest" "${config[@]}" fetch -q origin '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*' \
      2>>"$state/runner.notes" || { log "could not fetch $2"; return 1; }
  fi
  interruptible git -C "$dest" "${config[@]}" checkout -q --detach "$3" 2>>"$state/runner.notes" || { log "commit $3 is not in $2"; return 1; }
  [[ "$(git -C "$dest" rev-parse HEAD)" == "$3" ]] || { log "input '$1' is not at $3"; return 1; }
  printf '%s\0%s\0' "$1" "$3" >>"$state/git.nul"
}

input_gcs() { # name uri generation
  local dest
  dest=$(input_destination "$1") || return 1
  if [[ "$2" == */ ]]; then
    mkdir -p "$dest" || return 1
    interruptible gcloud storage cp -r "$2*" "$dest/" >/dev/null 2>>"$state/runner.notes" || { log "could not copy $2"; return 1; }
    lib check-tree "$dest" 2>>"$state/runner.notes" || return 1
  else
    local source=$2
    if [[ -n "$3" ]]; then source="$2#$3"; fi
    interruptible gcloud storage cp "$source" "$dest" >/dev/null 2>>"$state/runner.notes" || { log "could not copy $source"; return 1; }
  fi
}

unpack_inputs() {
  mkdir -p "$workspace/input" "$workspace/output" || die "cannot create the workspace under $workspace"
  local type name source extra
  while IFS= read -r -d '' type && IFS= read -r -d '' name && IFS= read -r -d '' source && IFS= read -r -d '' extra; do
    if ((cancelled)); then return; fi
    local ok=1
    case "$type" in
      bundle) input_bundle "$name" "$source" || ok=0 ;;
      git) input_git "$name" "$source" "$extra" || ok=0 ;;
      gcs) input_gcs "$name" "$source" "$extra" || ok=0 ;;
    esac
    # A fetch stopped by SIGTERM is no failure of the input: the attempt ends as cancelled.
    if ((cancelled)); then return; fi
    ((ok)) || die "input '$name' ($type) refused or unavailable"
  done <"$state/inputs.nul"
}

# The work gets its whole timeoutSeconds: setup and uploads have their own time on top of it (the task
# timeout of the execution is timeoutSeconds + setup allowance + upload margin, Domain's AttemptTimeLimits).
# Only a setup that outlasted its allowance shortens the work, by the overrun, so the work still ends before
# the task timeout with the upload margin left; result.json records the limit the work had.
run_work() {
  local setup_elapsed
  setup_elapsed=$(($(date +%s) - runner_start))
  work_limit=$timeout_seconds
  if ((setup_elapsed > setup_seconds)); then
    work_limit=$((timeout_seconds - (setup_elapsed - setup_seconds)))
    if ((work_limit < 1)); then work_limit=1; fi
    log "the setup took ${setup_elapsed}s, past its allowance of ${setup_seconds}s: the work gets ${work_limit}s of its ${timeout_seconds}s"
  fi
  local -a hide=()
  # Command tasks never see the Anthropic credentials (the job does not mount them either).
  if [[ "$kind" == command ]]; then hide=(-u ANTHROPIC_API_KEY -u ANTHROPIC_AUTH_TOKEN -u CLAUDE_CODE_OAUTH_TOKEN); fi
  started_at=$(now_iso)
  # timeout puts itself and the work in a new process group, which both deadlines and cancel signal.
  env "${hide[@]}" timeout --signal=TERM --kill-after="$kill_after" "$work_limit" \
    bash "$here/phases.sh" "$state" "$workspace" >"$state/work.log" 2>&1 &
  work_pid=$!
  if ((cancelled)); then on_term; fi # a SIGTERM that came while the work was being started
  work_rc=0
  while :; do
    if wait "$work_pid"; then work_rc=0; else work_rc=$?; fi
    kill -0 "$work_pid" 2>/dev/null || break
  done
  # Whatever the work left behind in its group (background daemons) ends with it.
  kill -KILL -- "-$work_pid" 2>/dev/null || true
  ended_at=$(now_iso)
  if ((cancelled)); then
    termination=cancel
  elif ((work_rc == 124 || work_rc == 137)); then
    termination=timeout
    log "the work passed its time limit (${work_limit}s) and was stopped"
  else
    termination=none
    if ((work_rc != 0)); then log "the work driver ended with status $work_rc"; fi
  fi
}

main_exit_code() {
  if [[ -f "$state/main.rc" ]]; then
    cat "$state/main.rc"
  elif [[ -f "$state/main.started" ]]; then
    echo 143 # stopped by a signal before it could finish
  elif [[ -f "$state/pre.rc" ]] && [[ "$(<"$state/pre.rc")" != 0 ]]; then
    cat "$state/pre.rc"
  fi
}

# The exit code of preCommand or postCommand when it ran to its end; empty otherwise.
phase_exit_code() { # pre|post
  if [[ -f "$state/$1.rc" ]]; then cat "$state/$1.rc"; fi
}

# Scrubs and tars workspace/output into upload/output.tar.gz (dropped over the cap). Returns 1 when a
# SIGTERM stopped it: the output then follows result.json (see upload).
pack_output() {
  output_bytes=0
  output_uploaded=0
  rm -f "$state/upload/output.tar.gz"
  local out="$workspace/output"
  if [[ -L "$out" ]] || [[ ! -d "$out" ]]; then
    log "$out is missing or a link; no output.tar.gz"
    return 0
  fi
  # Not interruptible: it rewrites files in place, and a half-written file would be worse than a late one.
  lib scrub-tree "$out" 2>>"$state/runner.notes" || log "could not scrub $out"
  if ((cancelled)) && ((!output_after_result)); then return 1; fi
  local -a run=(interruptible)
  if ((output_after_result)); then run=(); fi # after result.json: the time left is the output's
  if ! "${run[@]}" tar -czf "$state/upload/output.tar.gz" -C "$out" . 2>>"$state/runner.notes"; then
    if ((cancelled)) && ((!output_after_result)); then rm -f "$state/upload/output.tar.gz"; return 1; fi
    log "tar of $out reported errors"
  fi
  output_bytes=$(stat -c %s "$state/upload/output.tar.gz" 2>/dev/null || echo 0)
  if ((output_bytes > output_tar_bytes)); then
    log "output.tar.gz is $output_bytes bytes, over the $output_tar_bytes-byte cap; not uploaded"
    rm -f "$state/upload/output.tar.gz"
  elif [[ -f "$state/upload/output.tar.gz" ]]; then
    output_uploaded=1
  fi
}

# Uploads files into RUN_PREFIX by base name, each only if absent (--if-generation-match=0): the
# runner's accounts may create objects but not overwrite them. When gcloud fails, each object is looked
# at: one holding this file's bytes is this upload's own (gcloud retried a request that had in fact
# succeeded and met 412, or the failure came after the write), an absent one is sent once more, and
# one holding other bytes is a failure.
put_objects() { # file...
  gcloud storage cp --if-generation-match=0 "$@" "$RUN_PREFIX" >/dev/null 2>>"$state/runner.notes" && return 0
  log "gcloud storage cp of $(basename -a "$@" | tr '\n' ' ')failed; checking what was stored"
  local -a urls=() missing=()
  local file name stored
  for file in "$@"; do urls+=("$RUN_PREFIX$(basename "$file")"); done
  gcloud storage hash "${urls[@]}" --skip-crc32c --hex --format='value(url,md5_hash)' >"$state/stored.md5" \
    2>>"$state/runner.notes" || : >"$state/stored.md5"
  for file in "$@"; do
    name=$(basename "$file")
    stored=$(awk -F '\t' -v url="$RUN_PREFIX$name" '$1 == url { print $2; exit }' "$state/stored.md5")
    if [[ -z "$stored" ]]; then
      missing+=("$file")
    elif [[ "$stored" == "$(md5sum "$file" | cut -d ' ' -f 1)" ]]; then
      log "$name is stored with this attempt's bytes: the failure came after the write"
    else
      log "$name is already stored with other bytes"
      return 1
    fi
  done
  if ((${#missing[@]} > 0)); then
    gcloud storage cp --if-generation-match=0 "${missing[@]}" "$RUN_PREFIX" >/dev/null 2>>"$state/runner.notes" || return 1
  fi
}

upload() {
  mkdir -p "$state/upload"
  # After a SIGTERM, packing the output could outlast Cloud Run's 10 s: it follows result.json instead.
  output_after_result=$cancelled
  output_bytes=0
  output_uploaded=0
  if ((!output_after_result)) && ! pack_output; then output_after_result=1; fi
  local exit_code claude_version=""
  exit_code=$(main_exit_code)
  if [[ "$kind" == claude ]]; then claude_version=$claude_cli_version; fi
  local out="$workspace/output"
  if [[ -L "$out" ]]; then out=""; fi
  local -a output_args=("outputBytes=$output_bytes" "outputUploaded=$output_uploaded")
  if ((output_after_result)); then output_args=("outputAfterResult=1"); fi
  local -a pack_args=()
  if ((packed)); then pack_args=("taskIndex=$pack_task_index"); fi
  lib finish "$state" "exitCode=$exit_code" "termination=$termination" "startedAt=$started_at" \
    "endedAt=$ended_at" "runnerVersion=$RUNNER_VERSION" "execution=$CLOUD_RUN_EXECUTION" \
    "attempt=${RUN_ATTEMPT:-}" "claudeVersion=$claude_version" "outputDir=$out" "workLimitSeconds=$work_limit" \
    "preCommandExitCode=$(phase_exit_code pre)" "postCommandExitCode=$(phase_exit_code post)" \
    "${output_args[@]}" "${pack_args[@]}" || die "could not assemble result.json"
  local -a files=()
  local name
  for name in stdout.txt stderr.txt response.txt transcript.jsonl output.tar.gz; do
    if [[ -f "$state/upload/$name" ]]; then files+=("$state/upload/$name"); fi
  done
  # One gcloud process for all captures (each start costs a second; a cancel leaves about ten).
  put_objects "${files[@]}" || die "could not upload the captures"
  put_objects "$state/upload/result.json" || die "could not upload result.json"
  if ((output_after_result)); then
    # The judged outcome is stored; the output follows as time allows (SIGKILL may cut it short).
    pack_output
    if [[ -f "$state/upload/output.tar.gz" ]]; then
      put_objects "$state/upload/output.tar.gz" || log "could not upload output.tar.gz after result.json"
    fi
  fi
}

main() {
  trap on_term TERM INT
  state=$(mktemp -d "${TMPDIR:-/tmp}/runner.XXXXXX")
  trap cleanup EXIT
  : >"$state/runner.notes"
  if [[ -n "${RUN_PACK_MANIFEST_URI:-}" ]]; then resolve_pack; fi
  require_env
  claim
  if ((packed)); then
    check_cancel_before_start
    start_cancel_poller
  fi
  read_spec
  unpack_inputs
  claude_cli_version=""
  if [[ "$kind" == claude ]] && ((!cancelled)); then
    interruptible timeout 30 claude --version >"$state/claude.version" 2>/dev/null || true
    claude_cli_version=$(head -n 1 "$state/claude.version" 2>/dev/null | cut -d ' ' -f 1) || claude_cli_version=""
  fi
  started_at=$(now_iso)
  ended_at=$started_at
  termination=cancel
  work_limit=""
  if ((!cancelled)); then run_work; fi
  stop_cancel_poller
  upload
  exit 0
}

main "$@"
