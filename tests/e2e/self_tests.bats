# kiln tests itself with kiln test: these guests check what they see and
# exit 0 only when it is right, so each group runs as one kiln test suite,
# in VMs side by side, and a wrong finding fails with the guest's own words
# under its FAIL line.  --no-cache: a pass recorded earlier must not stand
# in for a run.

load helpers

# suite_passes N: after run, kiln test said every one of N tests passed.
suite_passes() {
    [ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
    [ "${lines[-1]}" = "$1 passed, 0 failed, 0 skipped" ] || { echo "$output" >&2; return 1; }
    [ "$(grep -c '^PASS ' <<<"$output")" -eq "$1" ]
}

@test "the probe sees its arguments, only --env's variables, empty stdin, a 32 MiB heap and both clocks" {
    KILN_E2E_SECRET=leaked run "$KILN" test --no-cache --env GREETING=hello --env "SPACED=a b" \
        --env "PROBE_HOST_TIME=$(date +%s)" "$GUESTS/probe.c" -- check one "two words" ""
    suite_passes 1
}

@test "threads: eight under a mutex lose no increment, a condition variable keeps order, a spinner is preempted" {
    run "$KILN" test --no-cache --timeout 20 "$GUESTS/threads_mutex.c" \
        "$GUESTS/threads_condvar.c" "$GUESTS/threads_spin.c"
    suite_passes 3
}

@test "hostile huge-malloc: malloc of 1 GiB in 128 MiB returns NULL and the guest goes on" {
    run "$KILN" test --no-cache -I "$REPO_ROOT/include" --mem 128M "$GUESTS/hostile.c" -- huge-malloc
    suite_passes 1
}

@test "hostile malloc-until-null: the heap ends inside --mem and the guest goes on" {
    run "$KILN" test --no-cache -I "$REPO_ROOT/include" --mem 32M "$GUESTS/hostile.c" \
        -- malloc-until-null
    suite_passes 1
}
