# kiln run --gdb: Debian's gdb, in batch mode, against the stub in the
# monitor (tests/guests/debuggee.c, built with -g -O0), and a hostile
# client (gdb_client.py) that sends what gdb never would.

load helpers

setup_file() {
    "$KILN" build -g -O0 "$GUESTS/debuggee.c" -o "$BATS_FILE_TMPDIR/debuggee.kiln"
}

teardown() {
    if [ -n "${kiln_pid:-}" ]; then
        kill -9 "$kiln_pid" 2>/dev/null || true
        wait "$kiln_pid" 2>/dev/null || true
    fi
}

# wait_for_port: sets port from kiln's line on stderr saying where it
# waits for gdb.
wait_for_port() {
    for _ in $(seq 300); do
        port=$(sed -n 's/.*waiting for gdb on 127\.0\.0\.1:\([0-9]*\): gdb .*/\1/p' \
            "$BATS_TEST_TMPDIR/kiln.err")
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    echo "kiln never said where it waits for gdb:" >&2
    cat "$BATS_TEST_TMPDIR/kiln.err" >&2
    return 1
}

# start_debuggee [ARGS...]: kiln run --gdb 0 of the debuggee with ARGS in
# the background; sets port and kiln_pid.
start_debuggee() {
    "$KILN" run --gdb 0 "$(guest debuggee)" -- "$@" \
        >"$BATS_TEST_TMPDIR/kiln.out" 2>"$BATS_TEST_TMPDIR/kiln.err" </dev/null &
    kiln_pid=$!
    wait_for_port
}

# debug GDB-COMMAND...: gdb -batch connected to the waiting kiln.
debug() {
    local commands=() command
    for command in "$@"; do commands+=(-ex "$command"); done
    timeout 300 gdb -batch -nx -ex "set confirm off" -ex "target remote 127.0.0.1:$port" \
        "${commands[@]}" "$(guest debuggee)" 2>&1
}

# kiln_ended STATUS: kiln exited with STATUS.
kiln_ended() {
    local status=0
    wait "$kiln_pid" || status=$?
    kiln_pid=
    [ "$status" -eq "$1" ] || {
        echo "kiln exited $status, expected $1:" >&2
        cat "$BATS_TEST_TMPDIR/kiln.err" >&2
        return 1
    }
}

@test "gdb: a breakpoint at a function stops there; bt names the callers with file and line" {
    start_debuggee
    run debug "break add" "continue" "bt" "delete" "continue"
    [[ "$output" == *"Breakpoint 1, add (a=0, b=0) at "*"debuggee.c:14"* ]]
    [[ "$output" == *"#0  add (a=0, b=0) at "*"debuggee.c:14"* ]]
    [[ "$output" == *"#1  "*" in main (argc=1, "*"debuggee.c:25"* ]]
    [[ "$output" == *"exited normally"* ]]
    kiln_ended 0
    [ "$(cat "$BATS_TEST_TMPDIR/kiln.out")" = "counter=10" ]
}

@test "gdb: print shows a local, the arguments and a global where the program stopped" {
    start_debuggee
    run debug "break add" "continue" "continue" "next" "print a" "print b" "print sum" \
        "print counter" "delete" "continue"
    [[ "$output" == *'$1 = 0'* ]]
    [[ "$output" == *'$2 = 1'* ]]
    [[ "$output" == *'$3 = 1'* ]]
    [[ "$output" == *'$4 = 7'* ]]
    kiln_ended 0
}

@test "gdb: a variable set from gdb is what the program goes on with" {
    start_debuggee
    run debug "break main" "continue" "set var counter = 100" "delete" "continue"
    [[ "$output" == *"exited with code 03"* ]]
    kiln_ended 3
    [ "$(cat "$BATS_TEST_TMPDIR/kiln.out")" = "counter=103" ]
}

@test "gdb: next steps a line and step goes into the called function" {
    start_debuggee
    run debug "break 25" "continue" "step" "next" "delete" "continue"
    [[ "$output" == *$'\n'"25"$'\t'"        total = add(total, i);"* ]]
    [[ "$output" == *"add (a=0, b=0) at "*"debuggee.c:14"* ]]
    [[ "$output" == *$'\n'"15"$'\t'"    return sum;"* ]]
    kiln_ended 0
}

@test "gdb: a watchpoint on a global stops where it is written, with old and new values" {
    start_debuggee
    run debug "break main" "continue" "watch counter" "continue" "delete" "continue"
    [[ "$output" == *"Old value = 7"*"New value = 10"* ]]
    [[ "$output" == *"main (argc=1, "*"debuggee.c:27"* ]]
    kiln_ended 0
}

@test "gdb: Ctrl-C stops a spinning guest where it spins, and kill ends the run: exit 137" {
    start_debuggee spin
    # gdb itself, not a shell around it, must get the SIGINT a Ctrl-C is,
    # once it has let the guest run (kiln then spins in KVM_RUN, state R,
    # where it waited in read, state S): under emulation connecting takes
    # a while.
    gdb -batch -nx -ex "set confirm off" -ex "target remote 127.0.0.1:$port" -ex "continue" \
        -ex "bt 1" -ex "print spins > 0" -ex "kill" "$(guest debuggee)" \
        >"$BATS_TEST_TMPDIR/gdb.out" 2>&1 &
    local gdb_pid=$!
    for _ in $(seq 600); do
        [ "$(awk '{ print $3 }' "/proc/$kiln_pid/stat")" = R ] && break
        sleep 0.2
    done
    sleep 1
    kill -INT "$gdb_pid"
    wait "$gdb_pid"
    run cat "$BATS_TEST_TMPDIR/gdb.out"
    [[ "$output" == *"received signal SIGINT"* ]]
    [[ "$output" == *"main (argc=2, "* ]]
    [[ "$output" == *'$1 = 1'* ]]
    kiln_ended 137
    grep -q "killed from gdb" "$BATS_TEST_TMPDIR/kiln.err"
}

@test "gdb: detach lets the program run on to its end, with its own output and status" {
    start_debuggee
    run debug "break add" "continue" "detach"
    [[ "$output" == *"(Remote target) detached"* ]]
    kiln_ended 0
    [ "$(cat "$BATS_TEST_TMPDIR/kiln.out")" = "counter=10" ]
}

@test "gdb: the run loop stays confined by its seccomp filter while gdb holds the guest" {
    start_debuggee
    run debug "break add" "continue" "shell grep Seccomp: /proc/$kiln_pid/status" "delete" \
        "continue"
    [[ "$output" =~ Seccomp:[[:space:]]*2 ]]
    kiln_ended 0
}

@test "gdb: malformed packets, bad registers and memory outside RAM are refused; the guest runs on" {
    start_debuggee
    run "$REPO_ROOT/tests/e2e/gdb_client.py" "$port" "bad:g" "mffffffffffff0000,10" "m0,zz" \
        "m100000,ffffff" "Gzz" "P999=00" "Z0,ffffffffffff0000,1" "M0,2:zz" "Z3,1000,4" "?" "c"
    [ "$output" = "$(printf '%s\n' - E14 E22 E22 E22 E22 E14 E22 "" S05 W00)" ] ||
        { echo "$output"; false; }
    kiln_ended 0
    [ "$(cat "$BATS_TEST_TMPDIR/kiln.out")" = "counter=10" ]
}

@test "gdb: a packet longer than the stub takes ends the session, and the guest runs on" {
    start_debuggee
    run "$REPO_ROOT/tests/e2e/gdb_client.py" "$port" "$(head -c 5000 /dev/zero | tr '\0' m)"
    [ "$output" = "(closed)" ]
    kiln_ended 0
    [ "$(cat "$BATS_TEST_TMPDIR/kiln.out")" = "counter=10" ]
}

@test "--gdb refuses what is no [ADDR:]PORT, and a port in use, in one line: exit 125" {
    run --separate-stderr "$KILN" run --gdb nonsense "$(guest debuggee)" </dev/null
    [ "$status" -eq 125 ]
    assert_one_stderr_line
    [[ "$stderr" == *"--gdb: \"nonsense\" is not [ADDR:]PORT"* ]]
    start_debuggee
    run --separate-stderr "$KILN" run --gdb "127.0.0.1:$port" "$(guest debuggee)" </dev/null
    [ "$status" -eq 125 ]
    assert_one_stderr_line
    [[ "$stderr" == *"--gdb 127.0.0.1:$port: Address already in use"* ]]
}

@test "kiln test --gdb debugs the one test it names; with two it refuses" {
    cp "$GUESTS/debuggee.c" "$BATS_TEST_TMPDIR/debuggee.c"
    "$KILN" test --gdb 0 -g -O0 "$BATS_TEST_TMPDIR/debuggee.c" \
        >"$BATS_TEST_TMPDIR/test.out" 2>"$BATS_TEST_TMPDIR/kiln.err" </dev/null &
    kiln_pid=$!
    wait_for_port
    run debug "break add" "continue" "bt 1" "delete" "continue"
    [[ "$output" == *"add (a=0, b=0) at "*"debuggee.c:14"* ]]
    kiln_ended 0
    grep -q '^PASS ' "$BATS_TEST_TMPDIR/test.out"
    run --separate-stderr "$KILN" test --gdb 0 "$GUESTS/debuggee.c" "$GUESTS/probe.c"
    [ "$status" -eq 125 ]
    [ "$stderr" = "kiln: test: --gdb debugs one test: name it alone" ]
}
