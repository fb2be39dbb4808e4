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
cd "$2" || exit 90

# Builtins only (no sed, env or mv): each process spawned per run costs about a millisecond of CPU.
kind=
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ "$line" == KIND=* ]] && kind=${line#KIND=}
done <"$state/vars"
args=()
if [[ "$kind" == claude ]]; then
  while IFS= read -r -d '' arg; do args+=("$arg"); done <"$state/claude.args"
fi
pairs=()
while IFS= read -r -d '' pair; do pairs+=("$pair"); done <"$state/env.nul"

# The spec's env may name any variable, this script's own included (`{"env": {"state": "x"}}`). So all the phases
# need is read above and kept in the positional parameters, the one kind of name an export cannot set: from here on
# $1 is the state folder, $2 the kind and the rest claude's arguments, and no variable is read or set. The script's
# variables are unset before the exports, so none of its values reaches a phase (and an array left in place would
# keep the env's `args` or `pairs` from being exported at all).
set -- "$state" "$kind" "${#pairs[@]}" "${pairs[@]}" "${args[@]}"
unset -v state kind line args arg pairs pair
if (($3 > 0)); then export "${@:4:$3}"; fi
set -- "$1" "$2" "${@:4+$3}"

# Runs phase PHASE (pre, main or post) of STATE's scripts; its exit status is the phase's.
# Scripts never see Anthropic credentials, in Claude tasks either: only claude itself needs them.
run_script() { # STATE PHASE
  : >"$1/$2.started"
  (
    unset ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN CLAUDE_CODE_OAUTH_TOKEN
    exec bash "$1/$2.sh"
  ) </dev/null >"$1/$2.out" 2>"$1/$2.err"
  set -- "$1" "$2" "$?"
  echo "$3" >"$1/$2.rc"
  if (($3 != 0)); then
    case "$2" in
      pre) echo "[runner] preCommand exited $3; the main phase did not run" >>"$1/runner.notes" ;;
      post) echo "[runner] postCommand exited $3" >>"$1/runner.notes" ;;
    esac
  fi
  return "$3"
}

if [[ -f "$1/pre.sh" ]] && ! run_script "$1" pre; then
  [[ -f "$1/post.sh" ]] && run_script "$1" post
  exit 0
fi

if [[ "$2" == claude ]]; then
  : >"$1/main.started"
  claude "${@:3}" <"$1/prompt.txt" >"$1/transcript.jsonl" 2>"$1/main.err"
  echo "$?" >"$1/main.rc"
else
  run_script "$1" main
fi

[[ -f "$1/post.sh" ]] && run_script "$1" post
exit 0
