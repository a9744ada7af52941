# kiln run --strace prints the program's system calls as strace does;
# --verbose names, at the end, the ones kiln does not implement.

load helpers

# The hello template's trace, with every address (they move with the
# image's layout and the stack's contents) written ADDR.  Run with
# KILN_UPDATE_GOLDEN=1 to rewrite the file from this kiln, then review
# the diff.
GOLDEN="$BATS_TEST_DIRNAME/strace_hello.golden"

setup_file() {
    "$KILN" build "$REPO_ROOT/templates/hello/hello.c" -o "$BATS_FILE_TMPDIR/hello.kiln"
    build_guest unsupported_syscall
    build_guest open_missing
}

@test "strace of hello prints the calls of the golden file" {
    run -0 --separate-stderr "$KILN" run --strace "$BATS_FILE_TMPDIR/hello.kiln" </dev/null
    assert_line_in "$output" "Hello from kiln!"
    local trace
    trace=$(sed -E 's/0x[0-9a-f]+/ADDR/g' <<<"$stderr")
    if [ -n "${KILN_UPDATE_GOLDEN:-}" ]; then
        printf '%s\n' "$trace" >"$GOLDEN"
    fi
    diff -u "$GOLDEN" - <<<"$trace"
}

@test "strace of a failing open shows the quoted path and ENOENT" {
    run -0 --separate-stderr "$KILN" run --strace "$(guest open_missing)" -- /no/such/file \
        </dev/null
    assert_line_in "$output" "open: No such file or directory"
    assert_line_in "$stderr" \
        'open("/no/such/file", O_RDONLY|O_LARGEFILE) = -1 ENOENT (No such file or directory)'
}

@test "strace shows a path in full, as strace does (only other strings are cut at 32 bytes)" {
    run -0 --separate-stderr "$KILN" run --strace "$(guest open_missing)" -- \
        /a/path/that/is/longer/than/thirty-two/bytes </dev/null
    assert_line_in "$stderr" \
        'open("/a/path/that/is/longer/than/thirty-two/bytes", O_RDONLY|O_LARGEFILE) = -1 ENOENT (No such file or directory)'
}

@test "strace shows a call kiln does not implement answering ENOSYS" {
    run -0 --separate-stderr "$KILN" run --strace "$(guest unsupported_syscall)" </dev/null
    assert_line_in "$output" "survived"
    assert_line_in "$stderr" "fork() = -1 ENOSYS (Function not implemented)"
    grep -qE '^syscall_0x3e7\((0|0x[0-9a-f]+)(, (0|0x[0-9a-f]+)){5}\) = -1 ENOSYS \(Function not implemented\)$' \
        <<<"$stderr"
}

@test "--verbose names the calls kiln does not implement in one line" {
    run -0 --separate-stderr "$KILN" run --verbose "$(guest unsupported_syscall)" </dev/null
    assert_line_in "$stderr" \
        "kiln: $(guest unsupported_syscall): system calls kiln does not implement: syscall_0x3e7 (1), fork (1)"
    [ "$(grep -c 'does not implement' <<<"$stderr")" -eq 1 ]
    ! grep -q 'ENOSYS' <<<"$stderr"
}

@test "--verbose says nothing of system calls when kiln implemented them all" {
    run -0 --separate-stderr "$KILN" run --verbose "$BATS_FILE_TMPDIR/hello.kiln" </dev/null
    ! grep -q 'does not implement' <<<"$stderr"
}

@test "without --strace or --verbose the trace stays off" {
    run -0 --separate-stderr "$KILN" run "$(guest unsupported_syscall)" </dev/null
    [ -z "$stderr" ]
}
