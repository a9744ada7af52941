# What a guest program sees: one behaviour per test, from one probe image.

load helpers

setup_file() {
    build_guest probe
}

probe() {
    "$KILN" run "$@" "$(guest probe)" </dev/null
}

@test "probe: stdin is read to its end" {
    probe_stdin() { printf 'hello\nworld' | "$KILN" run "$(guest probe)"; }
    run -42 probe_stdin
    assert_line_in "$output" "stdin bytes=11"
    assert_line_in "$output" "stdin text=hello"
    assert_line_in "$output" "world"
}

@test "probe: stdout reaches stdout only" {
    run -42 --separate-stderr probe
    assert_line_in "$output" "probe: to stdout"
    [[ "$stderr" != *"to stdout"* ]]
}

@test "probe: stderr reaches stderr only" {
    run -42 --separate-stderr probe
    assert_line_in "$stderr" "probe: to stderr"
    [[ "$output" != *"to stderr"* ]]
}

@test "probe: the guest's exit status is kiln's" {
    run -42 probe
}
