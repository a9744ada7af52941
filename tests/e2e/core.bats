# kiln run --dumpcore DIR: a guest that crashes, aborts or runs past
# --timeout leaves DIR/core.<program>.<hash8>, an ELF core that Debian's
# gdb reads with the image (built -g) as it reads a Linux process's.

load helpers

setup_file() {
    "$KILN" build -g "$GUESTS/core_dump.c" -o "$BATS_FILE_TMPDIR/core_dump.kiln"
    CORE_NAME=$(core_name "$BATS_FILE_TMPDIR/core_dump.kiln")
    export CORE_NAME
}

setup() {
    CORES="$BATS_TEST_TMPDIR/cores"
    mkdir "$CORES"
}

# dump MODE [STATUS] [OPTIONS...]: kiln run --dumpcore of core_dump MODE,
# which must exit STATUS (126: crashed); the core is then $CORES/$CORE_NAME.
dump() {
    local mode="$1" expected="${2:-126}"
    shift 2 || shift
    run "-$expected" --separate-stderr "$KILN" run --timeout 20 "$@" --dumpcore "$CORES" \
        "$(guest core_dump)" -- "$mode" </dev/null
    [ -f "$CORES/$CORE_NAME" ]
}

# in_gdb COMMAND...: gdb in batch mode on the image and the core, each
# argument one -ex; its output in $output.
in_gdb() {
    local commands=()
    for command in "$@"; do
        commands+=(-ex "$command")
    done
    run -0 timeout 60 gdb -nx -batch "${commands[@]}" "$(guest core_dump)" "$CORES/$CORE_NAME"
}

@test "a NULL dereference's core: gdb's bt names the faulting function, then its caller" {
    dump null
    in_gdb bt
    assert_line_in "$output" "Program terminated with signal SIGSEGV, Segmentation fault."
    assert_frame 0 poke
    assert_frame 1 crash_in_poke
    assert_frame 2 main
}

@test "an abort()'s core: gdb's bt shows abort, the function that called it and its callers" {
    dump abort
    in_gdb bt
    assert_line_in "$output" "Program terminated with signal SIGABRT, Aborted."
    assert_frame 0 abort
    assert_frame 1 give_up
    assert_frame 2 abort_in_give_up
    assert_frame 3 main
}

@test "an abort() from main: gdb's bt shows abort, then main" {
    dump abort_in_main
    in_gdb bt
    assert_frame 0 abort
    assert_frame 1 main
}

@test "a core's globals are their values at the crash" {
    dump null
    in_gdb "print crash_counter" "print crash_ratio"
    assert_line_in "$output" '$1 = 42'
    assert_line_in "$output" '$2 = 2.5'
}

@test "a core's arguments and locals are gdb's to print" {
    dump abort
    in_gdb "frame 1" "print why"
    assert_line_in "$output" '$1 = 7'
}

@test "a core passes readelf -n: the registers, the program and its x87/SSE state" {
    dump null
    run -0 readelf -n "$CORES/$CORE_NAME"
    [[ "$output" == *"NT_PRSTATUS"* ]]
    [[ "$output" == *"NT_PRPSINFO"* ]]
    [[ "$output" == *"NT_FPREGSET"* ]]
}

@test "a core's SSE registers are the program's" {
    dump null
    in_gdb "print \$mxcsr" "print \$xmm7.v2_double[0]"
    assert_line_in "$output" '$1 = [ IM DM ZM OM UM PM ]'
    assert_line_in "$output" '$2 = 2.5'
}

@test "a core holds the memory the guest used, not all of its RAM" {
    dump null 126 --mem 1G
    [ "$(stat -c %s "$CORES/$CORE_NAME")" -lt $((16 << 20)) ]
}

@test "the crash report ends naming the core file; the exit status stays 126" {
    dump null
    assert_crash_report
    [ "${stderr_lines[-1]}" = "  core written to $CORES/$CORE_NAME" ]
}

@test "--timeout: exit 124, and a core of the loop that ran past it" {
    dump spin 124 --timeout 1
    [ "${#stderr_lines[@]}" -eq 2 ]
    [[ "${stderr_lines[0]}" == *"timed out after 1 s"* ]]
    [ "${stderr_lines[1]}" = "  core written to $CORES/$CORE_NAME" ]
    in_gdb bt "print crash_counter"
    assert_line_in "$output" "Program terminated with signal SIGALRM, Alarm clock."
    assert_frame 0 spin
    assert_line_in "$output" '$1 = 99'
}

@test "a run that ends well leaves DIR as it was" {
    run -0 --separate-stderr "$KILN" run --dumpcore "$CORES" "$(guest core_dump)" </dev/null
    [ -z "$stderr" ]
    [ -z "$(ls -A "$CORES")" ]
}

@test "without --dumpcore a crash writes no core" {
    cd "$CORES"
    run -126 --separate-stderr "$KILN" run "$(guest core_dump)" -- null </dev/null
    [ -z "$(ls -A "$CORES")" ]
    [[ "$stderr" != *"core written"* ]]
}

@test "a missing DIR: exit 125 and one line, before the program runs" {
    run -125 --separate-stderr "$KILN" run --dumpcore "$CORES/missing" "$(guest core_dump)" \
        -- null </dev/null
    assert_one_stderr_line
    [ "$stderr" = "kiln: $CORES/missing: cannot hold core files: No such file or directory" ]
}

@test "a DIR where no file can be made: exit 125 and one line" {
    run -125 --separate-stderr "$KILN" run --dumpcore /proc "$(guest core_dump)" -- null </dev/null
    assert_one_stderr_line
    [[ "$stderr" == "kiln: /proc/$CORE_NAME: cannot create a temporary file next to it: "* ]]
}

@test "--dumpcore without a folder is refused" {
    run -125 --separate-stderr "$KILN" run --dumpcore "" "$(guest core_dump)" </dev/null
    assert_one_stderr_line
    [ "$stderr" = "kiln: run: --dumpcore needs a folder" ]
}

@test "a DIR gone by the crash: one line says the core was not written; the status stays 124" {
    "$KILN" run --timeout 1 --dumpcore "$CORES" "$(guest core_dump)" -- spin \
        </dev/null 2>"$BATS_TEST_TMPDIR/stderr" &
    local kiln=$! status=0
    sleep 0.3
    rm -r "$CORES"
    wait "$kiln" || status=$?
    [ "$status" -eq 124 ]
    run -0 cat "$BATS_TEST_TMPDIR/stderr"
    [ "${#lines[@]}" -eq 2 ]
    [ "${lines[1]}" = "  core not written: $CORES/$CORE_NAME: No such file or directory" ]
}
