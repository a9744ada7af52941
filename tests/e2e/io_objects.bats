# In-VM I/O objects as one thread uses them: pipes, eventfds, timerfds,
# poll, select and epoll.  Each "as on Linux" test runs one case of
# tests/guests/io_objects.c natively (musl-gcc -static) and under kiln and
# wants the same lines.  --timeout 20 turns a runtime that hangs into a
# failure instead of a stuck test run.  Several threads at once are
# threads.bats's.

load helpers

setup_file() {
    build_guest io_objects
    musl-gcc -static -O1 -o "$BATS_FILE_TMPDIR/io_objects-native" "$GUESTS/io_objects.c"
}

# same_as_linux CASE: the case's lines natively and under kiln are the same
same_as_linux() {
    local case="$1"
    "$BATS_FILE_TMPDIR/io_objects-native" "$case" </dev/null >"$BATS_TEST_TMPDIR/native.out" 2>&1
    run "$KILN" run --timeout 20 "$(guest io_objects)" -- "$case" </dev/null
    [ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
    diff -u "$BATS_TEST_TMPDIR/native.out" - <<<"$output"
}

@test "pipe reads, writes, FIONREAD, fstat, fcntl flags and refusals act as on Linux" {
    same_as_linux pipe-basics
}

@test "closing a pipe's write end lets its reader take the rest, then read EOF" {
    same_as_linux pipe-eof
}

@test "a write to a pipe with no reader fails with EPIPE when SIGPIPE is ignored" {
    same_as_linux pipe-epipe
}

@test "a write to a pipe with no reader ends the run by SIGPIPE" {
    run -126 --separate-stderr "$KILN" run --timeout 20 "$(guest io_objects)" -- pipe-sigpipe </dev/null
    assert_crash_report
    [[ "${stderr_lines[0]}" == *"signal 13"* ]]
    [ -z "$output" ]
}

@test "a lone read of an empty pipe ends the run in one line naming the pipe" {
    run -125 --separate-stderr "$KILN" run --timeout 20 "$(guest io_objects)" -- pipe-stuck </dev/null
    assert_one_stderr_line
    [[ "$stderr" == "kiln: "*"read of a pipe"* ]]
}

@test "a pipe holds 64 KiB, takes writes of up to PIPE_BUF whole, and O_NONBLOCK gets EAGAIN" {
    same_as_linux pipe-full
}

@test "dup2 and dup3 of pipe ends keep the pipe open until the last copy closes" {
    same_as_linux pipe-dup
}

@test "poll and ppoll time out, mark a closed fd POLLNVAL and see a write" {
    same_as_linux poll
}

@test "select and pselect time out, report each ready set and refuse a closed fd" {
    same_as_linux select
}

@test "epoll reports a ready pipe at every wait, and its hangup" {
    same_as_linux epoll-level
}

@test "EPOLLET reports a pipe once per write, not again for a read" {
    same_as_linux epoll-edge
}

@test "EPOLLONESHOT reports once until EPOLL_CTL_MOD arms it again" {
    same_as_linux epoll-oneshot
}

@test "epoll_create1, epoll_ctl and epoll_wait refuse what Linux refuses" {
    same_as_linux epoll-errors
}

@test "closing a file's last fd takes it out of an epoll set, and not before" {
    same_as_linux epoll-close
}

@test "an epoll set in another reports through it, and a loop is refused" {
    same_as_linux epoll-nested
}

@test "eventfd counts, refuses short I/O and overflow, and counts down by one as a semaphore" {
    same_as_linux eventfd
}

@test "timerfd expires once or at intervals, from now or at a time on its clock" {
    same_as_linux timerfd
}

@test "poll finds stdin from /dev/null readable, and its read gives 0" {
    same_as_linux stdin
}

@test "poll on stdin waits for input that comes later" {
    run bash -c "{ sleep 0.3; echo hi; } | '$KILN' run --timeout 20 '$(guest io_objects)' -- stdin"
    [ "$status" -eq 0 ]
    assert_line_in "$output" "poll stdin: 1"
    assert_line_in "$output" "read: 3"
}
