# What a guest program sees: one behaviour per test, from one probe image.

load helpers

setup_file() {
    build_guest probe
}

probe() {
    "$KILN" run "$@" "$(guest probe)" </dev/null
}

@test "probe: arguments after -- reach argv" {
    run -42 "$KILN" run "$(guest probe)" -- one "two words" "" </dev/null
    assert_line_in "$output" "argc=4"
    assert_line_in "$output" "argv[0]=probe"
    assert_line_in "$output" "argv[1]=one"
    assert_line_in "$output" "argv[2]=two words"
    assert_line_in "$output" "argv[3]="
}

@test "probe: --env sets the guest's environment" {
    run -42 probe --env GREETING=hello --env "SPACED=a b"
    assert_line_in "$output" "env: GREETING=hello"
    assert_line_in "$output" "env: SPACED=a b"
}

@test "probe: the host environment is not passed" {
    KILN_E2E_SECRET=leaked run -42 probe
    [[ "$output" != *KILN_E2E_SECRET* ]]
    ! grep -q '^env: ' <<<"$output"
}

@test "probe: stdin is read to its end" {
    probe_stdin() { printf 'hello\nworld' | "$KILN" run "$(guest probe)"; }
    run -42 probe_stdin
    assert_line_in "$output" "stdin bytes=11"
    assert_line_in "$output" "stdin text=hello"
    assert_line_in "$output" "world"
}

@test "probe: empty stdin reads as end of file" {
    run -42 probe
    assert_line_in "$output" "stdin bytes=0"
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

@test "probe: malloc of 32 MiB, every page written and read back" {
    run -42 probe
    assert_line_in "$output" "malloc 32 MiB: ok"
}

@test "probe: CLOCK_MONOTONIC advances" {
    run -42 probe
    assert_line_in "$output" "monotonic: advances"
}

@test "probe: CLOCK_REALTIME is within a minute of the host's" {
    run -42 probe --env "PROBE_HOST_TIME=$(date +%s)"
    assert_line_in "$output" "realtime: within a minute of the host"
}

@test "probe: the guest's exit status is kiln's" {
    run -42 probe
}
