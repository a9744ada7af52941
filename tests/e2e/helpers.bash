# Shared by the e2e tests: where kiln and the guest programs are.
# Tests run kiln as a user does, from the repository root.

bats_require_minimum_version 1.5.0

REPO_ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
KILN="${KILN:-$REPO_ROOT/build/kiln}"
GUESTS="$REPO_ROOT/tests/guests"

# Never the user's cache: each test file has its own.
export KILN_CACHE_DIR="$BATS_FILE_TMPDIR/cache"

# build_guest NAME: tests/guests/NAME.c -> $BATS_FILE_TMPDIR/NAME.kiln
build_guest() {
    "$KILN" build "$GUESTS/$1.c" -o "$BATS_FILE_TMPDIR/$1.kiln"
}

# guest NAME: the image build_guest made
guest() {
    echo "$BATS_FILE_TMPDIR/$1.kiln"
}

# assert_one_stderr_line: after run --separate-stderr
assert_one_stderr_line() {
    if [ "${#stderr_lines[@]}" -ne 1 ]; then
        echo "expected one line on stderr, got ${#stderr_lines[@]}:" >&2
        printf '%s\n' "$stderr" >&2
        return 1
    fi
}

# assert_crash_report: after run --separate-stderr: the crash's one-line
# summary, then only indented lines: the registers and a backtrace.
assert_crash_report() {
    local line
    if [[ "${stderr_lines[0]}" != "kiln: "*": guest crashed: "* ]]; then
        echo "no crash summary first on stderr:" >&2
        printf '%s\n' "$stderr" >&2
        return 1
    fi
    for line in "${stderr_lines[@]:1}"; do
        if [[ "$line" != "  "* ]]; then
            echo "crash report line not indented: $line" >&2
            return 1
        fi
    done
    assert_line_in "$stderr" "  backtrace:"
}

# assert_not_signaled: after run: kiln exited by itself, not by a signal.
assert_not_signaled() {
    if [ "$status" -ge 128 ]; then
        echo "kiln died of signal $((status - 128))" >&2
        return 1
    fi
}

# run_guest NAME [ARGS...]: kiln run of build_guest's image (--timeout 20,
# so a guest that hangs fails the test instead of stalling the run), which
# must exit 0 with nothing on stderr; else both streams are shown.
run_guest() {
    local name="$1"
    shift
    run --separate-stderr "$KILN" run --timeout 20 "$(guest "$name")" -- "$@" </dev/null
    if [ "$status" -ne 0 ] || [ -n "$stderr" ]; then
        echo "kiln run $name $*: exit $status" >&2
        printf 'stdout:\n%s\nstderr:\n%s\n' "$output" "$stderr" >&2
        return 1
    fi
}

# assert_output TEXT: after run: stdout is exactly TEXT (else the diff)
assert_output() {
    diff -u <(printf '%s\n' "$1") <(printf '%s\n' "$output") >&2
}

# assert_line_in TEXT LINE...: TEXT has a line that is exactly LINE
assert_line_in() {
    local text="$1" line="$2"
    if ! grep -qxF -- "$line" <<<"$text"; then
        echo "no line \"$line\" in:" >&2
        printf '%s\n' "$text" >&2
        return 1
    fi
}

# assert_frame N FUNCTION: after a run of gdb's bt: frame N is in FUNCTION
assert_frame() {
    if ! grep -qE "^#$1 +(0x[0-9a-f]+ in )?$2 \\(" <<<"$output"; then
        echo "no frame #$1 in $2 in:" >&2
        printf '%s\n' "$output" >&2
        return 1
    fi
}

# start_server LOG ARGS...: kiln serve on a free loopback port; sets PORT
# and SERVER_PID once it listens (10 s at most).
start_server() {
    local log="$1"
    shift
    "$KILN" serve --listen 127.0.0.1:0 "$@" >"$log" 2>&1 3>&- &
    SERVER_PID=$!
    for _ in $(seq 100); do
        PORT=$(sed -n 's|^kiln: listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$log")
        [ -n "$PORT" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "kiln serve did not start:" >&2
    cat "$log" >&2
    return 1
}

# stop_server: SIGTERM, then wait (10 s at most) for kiln to exit.
stop_server() {
    kill -TERM "$SERVER_PID" 2>/dev/null || return 0
    for _ in $(seq 100); do
        kill -0 "$SERVER_PID" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$SERVER_PID"
}

# fetch PATH [CURL ARGS...]: the response body; the status goes to $BATS_TEST_TMPDIR/status
fetch() {
    local path="$1"
    shift
    timeout 10 curl -sS -o - -w '%{stderr}%{http_code}' "$@" "http://127.0.0.1:$PORT$path" \
        2>"$BATS_TEST_TMPDIR/status"
}

status() {
    cat "$BATS_TEST_TMPDIR/status"
}

# core_name IMAGE: the name kiln gives IMAGE's core (--dumpcore):
# core.<name>.<first 8 hex digits of its hash>.
core_name() {
    local name hash
    name=$(basename "$1" .kiln)
    hash=$("$KILN" inspect "$1" | sed -n 's/^hash: *//p')
    echo "core.$name.${hash:0:8}"
}
