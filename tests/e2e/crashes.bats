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
    assert_crash_report
    [[ "${stderr_lines[0]}" == *"page fault"* ]]
    grep -qiE 'rip 0x[0-9a-f]+' <<<"${stderr_lines[0]}"
    grep -qE 'address 0x0([^0-9a-fx]|$)' <<<"${stderr_lines[0]}"
}

@test "a crash report names the registers" {
    run -126 --separate-stderr "$KILN" run "$(guest null_deref)" </dev/null
    for register in rax rbx rcx rdx rsi rdi rbp rsp r8 r15 rip rflags cr2; do
        grep -qE "(^| )$register +0x[0-9a-f]{16}( |$)" <<<"$stderr"
    done
}

@test "a crash report's backtrace names the function from the image's symbols" {
    run -126 --separate-stderr "$KILN" run "$(guest null_deref)" </dev/null
    grep -qE '^    #0  0x[0-9a-f]{16} main\+0x[0-9a-f]+$' <<<"$stderr"
    grep -qE '^    #1  0x[0-9a-f]{16} [A-Za-z0-9_.]+\+0x[0-9a-f]+$' <<<"$stderr"
}

@test "stack overflow: exit 126, the guard page named, frames of the recursion" {
    run -126 --separate-stderr "$KILN" run "$(guest stack_overflow)" </dev/null
    assert_crash_report
    [[ "${stderr_lines[0]}" == *"stack overflow"*"stack guard page"* ]]
    grep -qE '^    #31 0x[0-9a-f]{16} descend\+0x[0-9a-f]+$' <<<"$stderr"
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
