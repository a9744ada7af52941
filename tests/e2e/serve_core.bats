# kiln serve --dumpcore DIR: a request whose function crashes, aborts or
# runs past --timeout still answers 502 or 504, and leaves
# DIR/core.<function>.<hash8>, the core kiln run --dumpcore writes, which
# gdb reads with the image; at most one a route a minute.

load helpers

setup_file() {
    "$KILN" build -g "$GUESTS/cgi_answers.c" -o "$(guest cgi_answers)"
    CORE_NAME=$(core_name "$(guest cgi_answers)")
    export CORE_NAME
}

setup() {
    CORES="$BATS_TEST_TMPDIR/cores"
    mkdir "$CORES"
    LOG="$BATS_TEST_TMPDIR/serve.log"
}

teardown() {
    stop_server
}

# serve_cores: /answers on one worker, --timeout 1, cores to $CORES
serve_cores() {
    start_server "$LOG" --workers 1 --timeout 1 --dumpcore "$CORES" \
        --route "/answers=$(guest cgi_answers)"
}

# gdb_bt: gdb's bt of the image and its core, in $output
gdb_bt() {
    run -0 timeout 60 gdb -nx -batch -ex bt "$(guest cgi_answers)" "$CORES/$CORE_NAME"
}

# core_lines: the log's lines that name a core
core_lines() {
    grep -E '^kiln: /answers #[0-9]+: core ' "$LOG" || true
}

@test "a crash answers 502 and leaves a core: gdb's bt names the crashing function" {
    serve_cores
    fetch '/answers?crash' >/dev/null
    [ "$(status)" = 502 ]
    gdb_bt
    assert_line_in "$output" "Program terminated with signal SIGSEGV, Segmentation fault."
    assert_frame 0 crash
    assert_frame 1 main
}

# line_of PATTERN: the number of the log's first line that has PATTERN
line_of() {
    grep -n -m1 -E "$1" "$LOG" | cut -d: -f1
}

@test "the log names the core in one line, between the crash report and the 502" {
    serve_cores
    fetch '/answers?crash' >/dev/null
    local crash id
    crash=$(grep -E '^kiln: /answers #[0-9]+: guest crashed: ' "$LOG")
    id="${crash#kiln: /answers #}"
    id="${id%%:*}"
    [ "$(core_lines)" = "kiln: /answers #$id: core written to $CORES/$CORE_NAME" ]
    [ "$(line_of ': guest crashed: ')" -lt "$(line_of ': core written to ')" ]
    [ "$(line_of ': core written to ')" -lt "$(line_of ' GET /answers\?crash 502 ')" ]
}

# cgi_answers calls abort() through a pointer, whose target the stack
# cannot tell: the core, as kiln run's, shows main at the call
# (abort_site.h).
@test "abort() answers 502 and leaves a core of SIGABRT in main" {
    serve_cores
    fetch '/answers?abort' >/dev/null
    [ "$(status)" = 502 ]
    gdb_bt
    assert_line_in "$output" "Program terminated with signal SIGABRT, Aborted."
    grep -qE '^#[0-9]+ +(0x[0-9a-f]+ in )?main \(' <<<"$output"
}

@test "a function past --timeout answers 504 and leaves a core of its loop" {
    serve_cores
    fetch '/answers?spin' >/dev/null
    [ "$(status)" = 504 ]
    gdb_bt
    assert_line_in "$output" "Program terminated with signal SIGALRM, Alarm clock."
    assert_frame 0 spin
}

@test "two crashes within a minute leave one core, the first's" {
    serve_cores
    fetch '/answers?crash' >/dev/null
    [ "$(status)" = 502 ]
    fetch '/answers?abort' >/dev/null
    [ "$(status)" = 502 ]
    [ "$(grep -c ': guest crashed: ' "$LOG")" -eq 2 ]
    [ "$(core_lines | wc -l)" -eq 1 ]
    [ "$(ls -A "$CORES")" = "$CORE_NAME" ]
    gdb_bt
    assert_line_in "$output" "Program terminated with signal SIGSEGV, Segmentation fault."
}

@test "after an abort, a crash and a timeout the worker still serves, within its seccomp filter" {
    serve_cores
    for query in abort crash spin; do
        fetch "/answers?$query" >/dev/null
    done
    run -0 fetch '/answers?created'
    [ "$(status)" = 201 ]
    ! grep -q 'seccomp filter forbids' "$LOG"
    [ "$(core_lines | wc -l)" -eq 1 ]
}

@test "requests answered well leave DIR empty" {
    serve_cores
    run -0 fetch '/answers?created'
    [ "$(status)" = 201 ]
    [ -z "$(ls -A "$CORES")" ]
}

@test "a missing DIR: exit 1 and one line, before listening" {
    run -1 --separate-stderr "$KILN" serve --listen 127.0.0.1:0 --dumpcore "$CORES/missing" \
        --route "/answers=$(guest cgi_answers)"
    assert_one_stderr_line
    [ "$stderr" = "kiln: $CORES/missing: cannot hold core files: No such file or directory" ]
}

@test "a DIR where no file can be made: exit 1 and one line" {
    run -1 --separate-stderr "$KILN" serve --listen 127.0.0.1:0 --dumpcore /proc \
        --route "/answers=$(guest cgi_answers)"
    assert_one_stderr_line
    [[ "$stderr" == "kiln: /proc/$CORE_NAME: cannot create a temporary file next to it: "* ]]
}

@test "--dumpcore without a folder is a usage error" {
    run -2 --separate-stderr "$KILN" serve --dumpcore "" --route "/answers=$(guest cgi_answers)"
    assert_one_stderr_line
    [ "$stderr" = "kiln: serve: --dumpcore needs a folder" ]
}
