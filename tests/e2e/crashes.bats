# Guests that go wrong: kiln reports how, in one place, and says so in its
# exit status.

load helpers

setup_file() {
    for name in null_deref stack_overflow spin unsupported_syscall; do
        build_guest "$name"
    done
}

@test "null dereference: exit 126, the page fault at address 0 reported with its rip" {
    run -126 --separate-stderr "$KILN" run "$(guest null_deref)" </dev/null
    assert_one_stderr_line
    [[ "$stderr" == *"page fault"* ]]
    grep -qiE 'rip 0x[0-9a-f]+' <<<"$stderr"
    grep -qE 'address 0x0([^0-9a-fx]|$)' <<<"$stderr"
}

@test "stack overflow: exit 126" {
    run -126 --separate-stderr "$KILN" run "$(guest stack_overflow)" </dev/null
    assert_one_stderr_line
    [[ "$stderr" == *"stack overflow"* ]]
}

@test "runaway loop with --timeout 1: exit 124 and one line" {
    run -124 --separate-stderr "$KILN" run --timeout 1 "$(guest spin)" </dev/null
    assert_one_stderr_line
    [[ "$stderr" == *"timed out"* ]]
}

@test "a fractional --timeout stops the guest too" {
    run -124 --separate-stderr "$KILN" run --timeout 0.2 "$(guest spin)" </dev/null
    assert_one_stderr_line
}

@test "unsupported system calls fail with ENOSYS and the guest goes on" {
    run -0 --separate-stderr "$KILN" run "$(guest unsupported_syscall)" </dev/null
    assert_line_in "$output" "survived"
    [ -z "$stderr" ]
}
