# kiln serve's VMs: made by the same constructor as kiln run's, with the
# same caches; each worker confined by its own seccomp filter, what proves
# it from outside, and what a forbidden call looks like.

load helpers

setup_file() {
    build_guest cgi_answers
    build_guest cgi_counter
    cc -shared -fPIC -o "$BATS_FILE_TMPDIR/forbidden_call.so" \
        "$BATS_TEST_DIRNAME/forbidden_call.c" -ldl -pthread
}

teardown() {
    stop_server
}

@test "kiln serve keeps its function's boot memory and KVM's CPUID in the cache, as kiln run does" {
    KILN_CACHE_DIR="$BATS_TEST_TMPDIR/run" run -0 "$KILN" run "$(guest cgi_counter)" </dev/null
    start_server "$BATS_TEST_TMPDIR/log" --workers 2 --route "/counter=$(guest cgi_counter)"
    assert_line_in "$(fetch /counter)" "calls=1"
    [ -n "$(ls "$KILN_CACHE_DIR/cpuid")" ]
    # The same entry, byte for byte: the image before it ran, not after.
    local entry
    entry=$(ls "$BATS_TEST_TMPDIR/run/boot")
    cmp "$BATS_TEST_TMPDIR/run/boot/$entry" "$KILN_CACHE_DIR/boot/$entry"
}

@test "every VM worker thread of kiln serve runs under seccomp" {
    start_server "$BATS_TEST_TMPDIR/log" --workers 3 --route "/counter=$(guest cgi_counter)"
    # Concurrent requests grow the pool past its first VM.
    local pids=()
    for _ in $(seq 6); do
        fetch /counter >/dev/null &
        pids+=($!)
    done
    wait "${pids[@]}"
    assert_line_in "$(fetch /counter)" "calls=1"
    local task workers=0
    for task in /proc/"$SERVER_PID"/task/*; do
        [ "$(cat "$task/comm")" = kiln-vm ] || continue
        workers=$((workers + 1))
        grep -qx $'Seccomp:\t2' "$task/status"
    done
    [ "$workers" -ge 1 ] && [ "$workers" -le 3 ]
}

@test "a worker that makes a forbidden call answers 502 and logs one line, and kiln serve lives" {
    LD_PRELOAD="$BATS_FILE_TMPDIR/forbidden_call.so" \
        start_server "$BATS_TEST_TMPDIR/log" --workers 1 --route "/counter=$(guest cgi_counter)"
    fetch /counter >/dev/null
    [ "$(status)" = 502 ]
    [ "$(grep -c 'which its seccomp filter forbids' "$BATS_TEST_TMPDIR/log")" -eq 1 ]
    grep -E '^kiln: /counter: VM worker 1 made system call [0-9]+, which its seccomp filter forbids; the worker stops$' \
        "$BATS_TEST_TMPDIR/log"
    # The stopped worker's VM is gone; the next request gets a new one
    # (which this preload stops too).
    fetch /counter >/dev/null
    [ "$(status)" = 502 ]
    grep -E '^kiln: /counter: VM worker 2 made system call [0-9]+' "$BATS_TEST_TMPDIR/log"
    kill -0 "$SERVER_PID"
}

@test "two workers crashing at once write two whole crash reports" {
    local log="$BATS_TEST_TMPDIR/log"
    start_server "$log" --workers 2 --route "/answers=$(guest cgi_answers)"
    local first second
    for _ in $(seq 20); do
        fetch '/answers?crash' >/dev/null &
        first=$!
        fetch '/answers?crash' >/dev/null &
        second=$!
        wait "$first" "$second"
    done
    [ "$(grep -c 'guest crashed' "$log")" -eq 40 ]
    # Each report: its summary, then only indented lines up to the next
    # line of the log; every summary is followed by its registers.
    awk '/guest crashed/ { in_report = 1; want_registers = 1; next }
         /^  / { if (!in_report) { print "stray report line: " $0; bad = 1 }
                 if (want_registers && $1 != "rax") { print "no registers after a summary"; bad = 1 }
                 want_registers = 0; next }
         { if (want_registers) { print "a summary without registers"; bad = 1 }
           in_report = 0; want_registers = 0 }
         END { exit bad }' "$log"
}
