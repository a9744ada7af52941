# Signals sent to kiln run are the program's: its handler runs, or its
# default action ends it as it ends a native process, whatever it is
# doing (waiting in pause, reading stdin, spinning with no system call).
# Each "as natively" test runs tests/guests/host_signals.c natively
# (musl-gcc -static) and under kiln run, sends both the same signals the
# same way, and wants the same lines and the same exit status.

load helpers

setup_file() {
    build_guest host_signals
    musl-gcc -static -O1 -o "$BATS_FILE_TMPDIR/host_signals-native" "$GUESTS/host_signals.c"
}

teardown() {
    [ -z "${PID:-}" ] || kill -KILL "$PID" 2>/dev/null || true
}

# start native|kiln CASE [ENV OPTION]: the case in the background, its
# stdin a fifo this shell holds open on fd 7, its output in files; back
# once it said ready (60 s at most).  PID is its pid.  A script's
# background job starts with SIGINT and SIGQUIT ignored, which a program
# keeps: env gives every signal its default action back, as a terminal
# would, unless ENV OPTION says otherwise.
start() {
    local how="$1" case="$2" env_option="${3:---default-signal}"
    RUN_DIR="$BATS_TEST_TMPDIR/$how"
    rm -rf "$RUN_DIR"
    mkdir "$RUN_DIR"
    mkfifo "$RUN_DIR/stdin"
    if [ "$how" = native ]; then
        set -- "$BATS_FILE_TMPDIR/host_signals-native" "$case"
    else
        set -- "$KILN" run --timeout 60 "$(guest host_signals)" -- "$case"
    fi
    env "$env_option" "$@" <"$RUN_DIR/stdin" >"$RUN_DIR/stdout" 2>"$RUN_DIR/stderr" 3>&- &
    PID=$!
    exec 7>"$RUN_DIR/stdin"
    for _ in $(seq 600); do
        grep -qx ready "$RUN_DIR/stdout" && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "$how $case did not get ready:" >&2
    cat "$RUN_DIR/stdout" "$RUN_DIR/stderr" >&2
    return 1
}

# finish [LINE]: LINE (if any) on its stdin, then its end: STATUS
finish() {
    [ -z "${1:-}" ] || echo "$1" >&7
    STATUS=0
    wait "$PID" || STATUS=$?
    PID=
    exec 7>&-
}

# signal_both CASE SIGNALS [LINE]: the case natively and under kiln, each
# sent SIGNALS (kill's names, one after the other) once ready, then LINE
# on stdin: the same lines and exit status both ways, kiln's stderr
# empty.  STATUS is the exit status, output kiln's lines.
signal_both() {
    local case="$1" signals="$2" line="${3:-}" how native_status signal
    for how in native kiln; do
        start "$how" "$case"
        for signal in $signals; do
            kill -"$signal" "$PID"
        done
        finish "$line"
        [ "$how" = kiln ] || native_status=$STATUS
    done
    output=$(cat "$BATS_TEST_TMPDIR/kiln/stdout")
    diff -u "$BATS_TEST_TMPDIR/native/stdout" "$BATS_TEST_TMPDIR/kiln/stdout" >&2
    [ "$STATUS" -eq "$native_status" ] || {
        echo "exit status natively $native_status, under kiln $STATUS" >&2
        return 1
    }
    diff -u /dev/null "$BATS_TEST_TMPDIR/kiln/stderr" >&2
}

@test "SIGTERM runs the program's handler, which exits 3, as natively" {
    signal_both handler TERM
    [ "$STATUS" -eq 3 ]
    assert_output "$(printf '%s\n' ready "got SIGTERM")"
}

@test "SIGINT, a Ctrl-C, runs the program's handler, as natively" {
    signal_both handler INT
    [ "$STATUS" -eq 3 ]
    assert_output "$(printf '%s\n' ready "got SIGINT")"
}

@test "SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 run the program's handlers, as natively" {
    local signal
    for signal in HUP QUIT USR1 USR2; do
        signal_both handler "$signal"
        assert_output "$(printf '%s\n' ready "got SIG$signal")"
    done
}

@test "SIGTERM with no handler ends the run as it ends a native process: exit 143, no report" {
    signal_both sleep TERM
    [ "$STATUS" -eq 143 ]
    assert_output ready
}

@test "SIGINT with no handler ends the run: exit 130, as natively" {
    signal_both sleep INT
    [ "$STATUS" -eq 130 ]
}

@test "SIGHUP, SIGUSR1 and SIGUSR2 with no handler end the run: exit 129, 138 and 140, as natively" {
    signal_both sleep HUP
    [ "$STATUS" -eq 129 ]
    signal_both sleep USR1
    [ "$STATUS" -eq 138 ]
    signal_both sleep USR2
    [ "$STATUS" -eq 140 ]
}

@test "a handler that cleans up and raises SIGTERM again ends the run as natively: exit 143" {
    signal_both reraise TERM
    [ "$STATUS" -eq 143 ]
    assert_output "$(printf '%s\n' ready "cleaned up")"
}

@test "SIGQUIT with no handler, whose default dumps core, is a crash report: exit 126" {
    start kiln sleep
    kill -QUIT "$PID"
    finish
    [ "$STATUS" -eq 126 ]
    stderr=$(cat "$RUN_DIR/stderr")
    mapfile -t stderr_lines <"$RUN_DIR/stderr"
    assert_crash_report
    [[ "${stderr_lines[0]}" == *"killed by signal 3 (Quit)"* ]]
}

@test "a program that ignores SIGTERM runs on until SIGKILL: exit 137, as natively" {
    local how
    for how in native kiln; do
        start "$how" ignore
        kill -TERM "$PID"
        sleep 1
        kill -0 "$PID"
        kill -KILL "$PID"
        finish
        [ "$STATUS" -eq 137 ]
    done
    [ ! -s "$RUN_DIR/stderr" ]
}

@test "a signal kiln's parent made it ignore stays ignored, as natively (nohup's SIGHUP)" {
    local how
    for how in native kiln; do
        start "$how" sleep --ignore-signal=HUP
        kill -HUP "$PID"
        sleep 1
        kill -0 "$PID"
        kill -TERM "$PID"
        finish
        [ "$STATUS" -eq 143 ]
    done
}

@test "SIGKILL ends kiln run at once, and the VM with it: exit 137" {
    start kiln handler
    local pid=$PID
    kill -KILL "$PID"
    finish
    [ "$STATUS" -eq 137 ]
    ! kill -0 "$pid" 2>/dev/null
    ! pgrep -f -- "$(guest host_signals)"
    [ ! -s "$RUN_DIR/stderr" ]
}

@test "SIGTERM cuts a read of stdin (a pipe) short: the handler runs, read fails with EINTR, as natively" {
    signal_both read TERM
    assert_output "$(printf '%s\n' ready "read: -1 EINTR, handler ran: yes" "got SIGTERM")"
}

@test "with SA_RESTART the read of stdin goes on after the handler and gets the line, as natively" {
    signal_both restart TERM hello
    assert_output "$(printf '%s\n' ready "read: hello" "handler ran first: yes" "got SIGTERM")"
}

@test "SIGTERM reaches the handler of a program spinning with no system call, as natively" {
    signal_both spin TERM
    assert_output "$(printf '%s\n' ready "the loop went round: yes" "got SIGTERM")"
}

@test "SIGTERM with no handler ends a program spinning with no system call: exit 143" {
    signal_both spin-dfl TERM
    [ "$STATUS" -eq 143 ]
}

@test "SIGINT and SIGTERM sent while the program blocks them are both pending, and both run once unblocked, as natively" {
    signal_both blocked "INT TERM" go
    [ "$STATUS" -eq 3 ]
    assert_output "$(printf '%s\n' ready "pending: SIGINT yes, SIGTERM yes" "got SIGTERM" "got SIGINT")"
}

@test "a thread in sigwait takes SIGTERM that every thread blocks, as natively" {
    signal_both sigwait TERM
    [ "$STATUS" -eq 3 ]
    assert_output "$(printf '%s\n' ready "sigwait took SIGTERM")"
}

@test "kiln test keeps its signals: a Ctrl-C ends the suite, even a test that handles SIGINT" {
    # A terminal's Ctrl-C goes to the whole foreground group: kiln test and
    # its children.  The test that handles SIGINT must not outlive it.  (A
    # script starts a background job with SIGINT ignored: env undoes that.)
    setsid env --default-signal "$KILN" test --no-cache --timeout 60 "$(guest host_signals)" -- spin \
        >"$BATS_TEST_TMPDIR/out" 2>&1 &
    local leader=$!
    for _ in $(seq 100); do
        [ "$(pgrep -c -g "$leader")" -ge 2 ] && break
        sleep 0.1
    done
    sleep 1
    kill -INT -- "-$leader"
    for _ in $(seq 100); do
        pgrep -g "$leader" >/dev/null || break
        sleep 0.1
    done
    ! pgrep -g "$leader" >/dev/null
}
