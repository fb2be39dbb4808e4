#!/usr/bin/env bash
# The work of one attempt, started by runner.sh under `timeout` in its own process group:
# preCommand, then the command or Claude, then postCommand, with cwd = the workspace.
#
#   phases.sh STATE_DIR WORKSPACE
#
# STATE_DIR holds what runner-lib.js `spec` wrote (vars, pre.sh, main.sh, post.sh, prompt.txt,
# claude.args, env.nul). Each phase P writes P.out, P.err and, when it ends, P.rc; P.started marks
# that it began. preCommand and postCommand never see the Anthropic credentials (claude does).
# A failing preCommand skips the main phase (its exit code becomes the result's); postCommand runs in
# any case. runner.sh records both exit codes in result.json, and either failing fails the run.
# The script itself exits 0 once every phase it ran has ended, so any other status means a signal.
# The native local executor runs the same phases in a wrapper of its own
# (src/Adapters/LocalRunner/Native/NativeExecution.Work.cs); tests/Runner.Tests' conformance suite holds the two to
# the same uploads, so a change here needs its twin there.
set -uo pipefail

state=$1
workspace=$2
cd "$workspace" || exit 90

while IFS= read -r -d '' pair; do
  export "${pair?}"
done <"$state/env.nul"

# Builtins only (no sed, env or mv): each process spawned per run costs about a millisecond of CPU.
kind=
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ "$line" == KIND=* ]] && kind=${line#KIND=}
done <"$state/vars"

# Scripts never see Anthropic credentials, in Claude tasks either: only claude itself needs them.
run_script() { # phase
  local phase=$1
  : >"$state/$phase.started"
  (
    unset ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN CLAUDE_CODE_OAUTH_TOKEN
    exec bash "$state/$phase.sh"
  ) </dev/null >"$state/$phase.out" 2>"$state/$phase.err"
  local rc=$?
  echo "$rc" >"$state/$phase.rc"
  if [[ "$phase" == post ]] && ((rc != 0)); then
    echo "[runner] postCommand exited $rc" >>"$state/runner.notes"
  fi
}

if [[ -f "$state/pre.sh" ]]; then
  run_script pre
  pre_rc=$(<"$state/pre.rc")
  if [[ "$pre_rc" != 0 ]]; then
    echo "[runner] preCommand exited $pre_rc; the main phase did not run" >>"$state/runner.notes"
    [[ -f "$state/post.sh" ]] && run_script post
    exit 0
  fi
fi

if [[ "$kind" == claude ]]; then
  args=()
  while IFS= read -r -d '' arg; do args+=("$arg"); done <"$state/claude.args"
  : >"$state/main.started"
  claude "${args[@]}" <"$state/prompt.txt" >"$state/transcript.jsonl" 2>"$state/main.err"
  echo "$?" >"$state/main.rc"
else
  run_script main
fi

[[ -f "$state/post.sh" ]] && run_script post
exit 0
