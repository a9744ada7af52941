# kiln test as a user runs it: a suite of small guest programs, the
# report's lines, order and exit status, JUnit and TAP, the result cache,
# shards, --repeat, other kinds of TEST, bad input, a host without KVM,
# and --vm.
#
# The guests are in tests/e2e/suite/: pass.c, fail.c (exit 3, a line on
# stdout and one on stderr), skip.c (77), crash.c (a null store), spin.c
# (forever), fixture.c (reads /fixture/expected.txt, embedded from
# suite/fixture with --files), volume.c (reads /data/input.txt from a
# volume), args.c (prints its argv and $SUITE_MODE), nasty.c (fails
# printing markup, control bytes and bytes that are not UTF-8) and
# flaky.c (passes every other run, counting runs in a read-write volume
# at /state).  Tests run them by their names from the repository root,
# or from a copy in $BATS_TEST_TMPDIR when they edit one.

load helpers

SUITE=tests/e2e/suite

# Each test gets a cache of its own, a copy of one in which every guest
# is already built: the tests are about results, and compiling (slow
# under the nested path's emulated CPU) would only add time.
setup_file() {
    export KILN_CACHE_DIR="$BATS_FILE_TMPDIR/built"
    local source
    for source in "$REPO_ROOT/$SUITE"/*.c; do
        "$KILN" build "$source" -o "$BATS_FILE_TMPDIR/$(basename "$source" .c).kiln"
    done
}

setup() {
    export KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache"
    cp -a "$BATS_FILE_TMPDIR/built" "$KILN_CACHE_DIR"
    cd "$REPO_ROOT" || return
}

# kiln_test ARGS...: kiln test ARGS; its stdout without times is $report
kiln_test() {
    run --separate-stderr "$KILN" test "$@" </dev/null
    report=$(strip_times <<<"$output")
}

# strip_times: the report's lines without their times, "(4.1 ms)",
# "(1.00 s)" and "(4.0 ms when it passed)", which vary from run to run
strip_times() {
    sed -E 's/ \([0-9.]+ m?s( when it passed)?\)//'
}

# assert_verdicts LINE...: the report's test lines, each cut to its
# verdict and name ("CACHED pass.c"), are exactly LINE...
assert_verdicts() {
    diff -u <(printf '%s\n' "$@") \
        <(awk '$1 ~ /^(PASS|FAIL|SKIP|CACHED|FLAKY)$/ { print $1, $2 }' <<<"$output") >&2
}

# assert_report_line LINE: the report, without times, has LINE
assert_report_line() {
    assert_line_in "$report" "$1"
}

# copy_suite: a copy of the suite to edit, made the working folder
copy_suite() {
    cp -a "$REPO_ROOT/$SUITE" "$BATS_TEST_TMPDIR/suite"
    cd "$BATS_TEST_TMPDIR/suite" || return
}

# without_kvm COMMAND...: COMMAND where /dev holds only null (kiln test's
# children need it), so that /dev/kvm cannot be opened: a private mount
# namespace (we run as root).
without_kvm() {
    unshare -m sh -c 'mount -t tmpfs tmpfs /dev && mknod -m 666 /dev/null c 1 3 && exec "$@"' \
        sh "$@"
}

require_unshare() {
    without_kvm true 2>/dev/null ||
        skip "cannot hide /dev/kvm here: unshare -m with a tmpfs on /dev failed (not root?)"
}

# ------------------------------------------------------------ the report

@test "a mixed suite: a line per test with the failure's reason and output, the count, exit 1" {
    kiln_test --timeout 1 $SUITE/pass.c $SUITE/fail.c $SUITE/skip.c $SUITE/crash.c $SUITE/spin.c
    [ "$status" -eq 1 ]
    [ -z "$stderr" ]
    assert_verdicts "PASS $SUITE/pass.c" "FAIL $SUITE/fail.c" "SKIP $SUITE/skip.c" \
        "FAIL $SUITE/crash.c" "FAIL $SUITE/spin.c"
    assert_report_line "PASS   $SUITE/pass.c"
    assert_report_line "FAIL   $SUITE/fail.c: exit status 3"
    assert_report_line "SKIP   $SUITE/skip.c"
    assert_report_line "FAIL   $SUITE/crash.c: crashed"
    assert_report_line "FAIL   $SUITE/spin.c: timed out after 1 s"
    [ "${lines[-1]}" = "1 passed, 3 failed, 1 skipped" ]
    # The failed test's streams follow its line, indented; a passing
    # test's output is not shown.
    diff -u <(printf '%s\n' "FAIL   $SUITE/fail.c: exit status 3" "    stdout:" \
        "      fail: on stdout" "    stderr:" "      fail: on stderr" "SKIP   $SUITE/skip.c") \
        <(sed -n "\|^FAIL   $SUITE/fail.c|,\|^SKIP|p" <<<"$report") >&2
    [[ "$report" != *"pass: ok"* && "$report" != *"skip: nothing"* ]]
    # The crash's report and the timeout's reason are the failures' stderr.
    [[ "$report" == *"      kiln: $SUITE/crash.c: guest crashed: "* ]]
    [[ "$report" == *"      kiln: $SUITE/spin.c: timed out after 1 s"* ]]
}

@test "a suite that all passes or skips exits 0" {
    kiln_test $SUITE/pass.c $SUITE/skip.c $SUITE/args.c
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    assert_verdicts "PASS $SUITE/pass.c" "SKIP $SUITE/skip.c" "PASS $SUITE/args.c"
    [ "${lines[-1]}" = "2 passed, 0 failed, 1 skipped" ]
}

@test "the report keeps the command line's order whatever -j" {
    # spin.c ends last, after its 1 s, but is reported first.
    local tests=(--no-cache --timeout 1 "$SUITE/spin.c" "$SUITE/fail.c" "$SUITE/pass.c"
        "$SUITE/skip.c" "$SUITE/args.c")
    kiln_test -j4 "${tests[@]}"
    [ "$status" -eq 1 ]
    local parallel="$report"
    kiln_test -j1 "${tests[@]}"
    [ "$status" -eq 1 ]
    diff -u <(echo "$report") <(echo "$parallel") >&2
    [[ "${lines[0]}" == "FAIL   $SUITE/spin.c "* ]]
}

# ------------------------------------------------------------ JUnit and TAP

@test "--junit writes XML the schema accepts, with each failure's output" {
    local xml="$BATS_TEST_TMPDIR/report.xml"
    kiln_test --timeout 1 --junit "$xml" $SUITE/pass.c $SUITE/fail.c $SUITE/skip.c \
        $SUITE/crash.c $SUITE/spin.c
    [ "$status" -eq 1 ]
    run -0 xmllint --noout --schema "$REPO_ROOT/tests/junit.xsd" "$xml"
    run -0 xmllint --xpath "string(//testcase[@name='$SUITE/fail.c']/failure/@message)" "$xml"
    [ "$output" = "exit status 3" ]
    run -0 xmllint --xpath "string(//testcase[@name='$SUITE/fail.c']/failure)" "$xml"
    [[ "$output" == *"fail: on stdout"* && "$output" == *"fail: on stderr"* ]]
    run -0 xmllint --xpath "string(//testcase[@name='$SUITE/crash.c']/error/@message)" "$xml"
    [ "$output" = crashed ]
    run -0 xmllint --xpath "string(//testcase[@name='$SUITE/spin.c']/error/@message)" "$xml"
    [ "$output" = "timed out after 1 s" ]
    run -0 xmllint --xpath "count(//testcase[@name='$SUITE/skip.c']/skipped)" "$xml"
    [ "$output" = 1 ]
    run -0 xmllint --xpath "concat(/testsuites/@tests, ' ', /testsuites/@failures, ' ', \
/testsuites/@errors, ' ', /testsuites/@skipped)" "$xml"
    [ "$output" = "5 1 2 1" ]
}

@test "--junit keeps markup, control bytes and bad UTF-8 in output valid XML" {
    local xml="$BATS_TEST_TMPDIR/report.xml"
    kiln_test --junit "$xml" $SUITE/nasty.c
    [ "$status" -eq 1 ]
    run -0 xmllint --noout --schema "$REPO_ROOT/tests/junit.xsd" "$xml"
    run -0 xmllint --xpath "string(//testcase[@name='$SUITE/nasty.c']/failure)" "$xml"
    [[ "$output" == *'nasty: <tag attr="x"> & ]]> </testcase>'* ]]
    [[ "$output" == *"nasty: not UTF-8 "*" end"* ]]
}

@test "--tap prints TAP that prove reads, naming the failed tests" {
    local tap="$BATS_TEST_TMPDIR/suite.tap"
    run -1 --separate-stderr "$KILN" test --timeout 1 --tap $SUITE/pass.c $SUITE/fail.c \
        $SUITE/crash.c $SUITE/spin.c $SUITE/skip.c </dev/null
    printf '%s\n' "$output" >"$tap"
    [ "$(head -n 2 "$tap")" = $'TAP version 13\n1..5' ]
    grep -qxF "ok 1 - $SUITE/pass.c" "$tap"
    grep -qxF "not ok 2 - $SUITE/fail.c" "$tap"
    grep -qxF "ok 5 - $SUITE/skip.c # SKIP exit status 77" "$tap"
    [ "$(tail -n 1 "$tap")" = "# 1 passed, 3 failed, 1 skipped" ]
    run prove -e cat "$tap"
    [ "$status" -ne 0 ]
    [[ "$output" == *"Failed tests:  2-4"* ]]
    [[ "$output" == *"Result: FAIL"* ]]
}

@test "--tap of a suite that passes, run or cached, passes prove" {
    local tap="$BATS_TEST_TMPDIR/suite.tap"
    "$KILN" test --tap $SUITE/pass.c $SUITE/skip.c >"$tap" </dev/null
    run -0 prove -e cat "$tap"
    [[ "$output" == *"Result: PASS"* ]]
    "$KILN" test --tap $SUITE/pass.c $SUITE/skip.c >"$tap" </dev/null
    [[ "$(sed -n 3p "$tap")" == "ok 1 - $SUITE/pass.c"*cached* ]]
    run -0 prove -e cat "$tap"
    [[ "$output" == *"Result: PASS"* ]]
}

# ------------------------------------------------------------ the result cache

@test "a second unchanged run is all CACHED and boots no VM" {
    require_unshare
    local tests=(--files "$SUITE/fixture:/fixture" "$SUITE/pass.c" "$SUITE/fixture.c"
        "$SUITE/args.c" -- an argument)
    kiln_test "${tests[@]}"
    [ "$status" -eq 0 ]
    assert_verdicts "PASS $SUITE/pass.c" "PASS $SUITE/fixture.c" "PASS $SUITE/args.c"
    run --separate-stderr without_kvm "$KILN" test "${tests[@]}" </dev/null
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    assert_verdicts "CACHED $SUITE/pass.c" "CACHED $SUITE/fixture.c" "CACHED $SUITE/args.c"
    [[ "${lines[0]}" == "CACHED $SUITE/pass.c ("*" ms when it passed)" ]]
    [ "${lines[-1]}" = "3 passed, 0 failed, 0 skipped" ]
}

@test "editing one test's source re-runs only that test" {
    copy_suite
    kiln_test pass.c args.c skip.c
    [ "$status" -eq 0 ]
    sed -i 's/pass: ok/pass: still ok/' pass.c
    kiln_test pass.c args.c skip.c
    [ "$status" -eq 0 ]
    assert_verdicts "PASS pass.c" "CACHED args.c" "SKIP skip.c"
}

@test "editing a file embedded with --files re-runs the tests that embed it" {
    copy_suite
    kiln_test --files fixture:/fixture fixture.c pass.c
    [ "$status" -eq 0 ]
    kiln_test --files fixture:/fixture fixture.c pass.c
    assert_verdicts "CACHED fixture.c" "CACHED pass.c"
    echo unexpected >fixture/expected.txt
    kiln_test --files fixture:/fixture fixture.c pass.c
    [ "$status" -eq 1 ]
    assert_verdicts "FAIL fixture.c" "PASS pass.c"
    assert_report_line "      fixture: unexpected"
}

@test "changing ARGS or --env re-runs" {
    kiln_test $SUITE/args.c -- one
    [ "$status" -eq 0 ]
    kiln_test $SUITE/args.c -- two
    assert_verdicts "PASS $SUITE/args.c"
    kiln_test $SUITE/args.c -- two
    assert_verdicts "CACHED $SUITE/args.c"
    kiln_test --env SUITE_MODE=a $SUITE/args.c -- two
    assert_verdicts "PASS $SUITE/args.c"
    kiln_test --env SUITE_MODE=b $SUITE/args.c -- two
    assert_verdicts "PASS $SUITE/args.c"
    kiln_test --env SUITE_MODE=b $SUITE/args.c -- two
    assert_verdicts "CACHED $SUITE/args.c"
}

@test "a change in a read-only volume re-runs" {
    mkdir "$BATS_TEST_TMPDIR/data"
    echo good >"$BATS_TEST_TMPDIR/data/input.txt"
    local tests=(-v "$BATS_TEST_TMPDIR/data:/data:ro" "$SUITE/volume.c")
    kiln_test "${tests[@]}"
    assert_verdicts "PASS $SUITE/volume.c"
    kiln_test "${tests[@]}"
    assert_verdicts "CACHED $SUITE/volume.c"
    echo bad >"$BATS_TEST_TMPDIR/data/input.txt"
    kiln_test "${tests[@]}"
    [ "$status" -eq 1 ]
    assert_verdicts "FAIL $SUITE/volume.c"
    assert_report_line "      volume: bad"
}

@test "a test with a read-write volume is never CACHED" {
    mkdir "$BATS_TEST_TMPDIR/data"
    echo good >"$BATS_TEST_TMPDIR/data/input.txt"
    kiln_test -v "$BATS_TEST_TMPDIR/data:/data" $SUITE/volume.c $SUITE/pass.c
    [ "$status" -eq 0 ]
    kiln_test -v "$BATS_TEST_TMPDIR/data:/data" $SUITE/volume.c $SUITE/pass.c
    [ "$status" -eq 0 ]
    assert_verdicts "PASS $SUITE/volume.c" "PASS $SUITE/pass.c"
}

@test "--no-cache runs every test, however often it passed" {
    kiln_test $SUITE/pass.c $SUITE/args.c
    kiln_test --no-cache $SUITE/pass.c $SUITE/args.c
    [ "$status" -eq 0 ]
    assert_verdicts "PASS $SUITE/pass.c" "PASS $SUITE/args.c"
    kiln_test --no-cache $SUITE/pass.c $SUITE/args.c
    assert_verdicts "PASS $SUITE/pass.c" "PASS $SUITE/args.c"
}

@test "kiln cache ls lists the results of a pass, kiln cache clean removes them" {
    "$KILN" test $SUITE/pass.c $SUITE/args.c >/dev/null </dev/null
    run -0 "$KILN" cache ls
    [ "$(grep -c ' results/[0-9a-f]*$' <<<"$output")" -eq 2 ]
    run -0 "$KILN" cache clean
    run -0 "$KILN" cache ls
    [[ "$output" != *results/* ]]
    [ -z "$(find "$KILN_CACHE_DIR" -path '*/results/*')" ]
    kiln_test $SUITE/pass.c
    assert_verdicts "PASS $SUITE/pass.c"
}

# ------------------------------------------------------------ without KVM

@test "without /dev/kvm, a test that must run: exit 125 and one line with the fix" {
    require_unshare
    run --separate-stderr without_kvm "$KILN" test $SUITE/pass.c </dev/null
    [ "$status" -eq 125 ]
    [ -z "$output" ]
    assert_one_stderr_line
    [[ "$stderr" == "kiln: /dev/kvm: "* ]]
    [[ "$stderr" == *"modprobe kvm_intel or kvm_amd"* ]]
}

@test "without /dev/kvm, kiln run: exit 125 and the same line" {
    require_unshare
    run --separate-stderr without_kvm "$KILN" test $SUITE/pass.c </dev/null
    local test_line="$stderr"
    run --separate-stderr without_kvm "$KILN" run "$BATS_FILE_TMPDIR/pass.kiln" </dev/null
    [ "$status" -eq 125 ]
    assert_one_stderr_line
    [ "$stderr" = "$test_line" ]
    [[ "$stderr" == *"modprobe kvm_intel or kvm_amd"* ]]
}

@test "a user outside group kvm: exit 125, permission denied, group kvm and the udev rule" {
    require_unshare
    getent group kvm >/dev/null || skip "no group kvm here"
    # In a mount namespace of its own: a /dev whose kvm is 0660 root:kvm,
    # as udev makes it, whatever this machine's is; and kiln and the image
    # on a tmpfs at /mnt, since nobody may not enter /tmp (or wherever the
    # checkout is) here.
    # shellcheck disable=SC2016 # expanded by that sh
    local as_nobody='mount -t tmpfs tmpfs /dev && mknod -m 666 /dev/null c 1 3 &&
        mknod -m 660 /dev/kvm c 10 232 && chgrp kvm /dev/kvm &&
        mount -t tmpfs -o mode=755 tmpfs /mnt && cp "$1" /mnt/pass.kiln && cp "$2" /mnt/kiln &&
        mkdir /mnt/cache && chown 65534:65534 /mnt/cache && shift 2 &&
        exec setpriv --reuid=65534 --regid=65534 --clear-groups env KILN_CACHE_DIR=/mnt/cache /mnt/kiln "$@"'
    local command
    for command in run test; do
        run --separate-stderr unshare -m sh -c "$as_nobody" sh "$BATS_FILE_TMPDIR/pass.kiln" \
            "$KILN" "$command" /mnt/pass.kiln </dev/null
        [ "$status" -eq 125 ]
        assert_one_stderr_line
        [[ "$stderr" == "kiln: /dev/kvm: permission denied"* ]]
        [[ "$stderr" == *"group kvm"* && "$stderr" == *'KERNEL=="kvm"'* ]]
    done
}

# ------------------------------------------------------------ shards, --list, --repeat

@test "--list prints the tests and runs none" {
    run --separate-stderr "$KILN" test --list $SUITE/spin.c $SUITE/fail.c $SUITE/pass.c </dev/null
    [ "$status" -eq 0 ]
    [ -z "$stderr" ]
    assert_output "$SUITE/spin.c
$SUITE/fail.c
$SUITE/pass.c"
    [ -z "$(find "$KILN_CACHE_DIR" -path '*/results/*')" ]
}

@test "--shard 1/3, 2/3 and 3/3 together list every test exactly once" {
    local all=("$SUITE"/*.c) k
    for k in 1 2 3; do
        "$KILN" test --list --shard "$k/3" "${all[@]}" </dev/null
    done >"$BATS_TEST_TMPDIR/listed"
    diff -u <(printf '%s\n' "${all[@]}" | sort) <(sort "$BATS_TEST_TMPDIR/listed") >&2
}

@test "--shard 1/3, 2/3 and 3/3 together run every test exactly once" {
    local all=() k
    for k in $(seq -w 1 10); do
        cp "$BATS_FILE_TMPDIR/pass.kiln" "$BATS_TEST_TMPDIR/t$k.kiln"
        all+=("$BATS_TEST_TMPDIR/t$k.kiln")
    done
    for k in 1 2 3; do
        "$KILN" test --shard "$k/3" "${all[@]}" </dev/null
    done >"$BATS_TEST_TMPDIR/ran"
    diff -u <(printf 'PASS %s\n' "${all[@]}" | sort) \
        <(awk '$1 ~ /^[A-Z]+$/ && NF > 2 { print $1, $2 }' "$BATS_TEST_TMPDIR/ran" | sort) >&2
    # Each shard ends with its own count.
    [ "$(grep -c ' passed, 0 failed, 0 skipped$' "$BATS_TEST_TMPDIR/ran")" -eq 3 ]
}

@test "a bad --shard: exit 125 with one line" {
    local shard
    for shard in 0/3 4/3 x; do
        run --separate-stderr "$KILN" test --shard "$shard" $SUITE/pass.c </dev/null
        [ "$status" -eq 125 ]
        [ -z "$output" ]
        assert_one_stderr_line
        [[ "$stderr" == "kiln: test: --shard"* ]]
    done
}

@test "a test that passes every other run is FLAKY under --repeat 4" {
    mkdir "$BATS_TEST_TMPDIR/state"
    kiln_test --repeat 4 -v "$BATS_TEST_TMPDIR/state:/state" $SUITE/flaky.c $SUITE/pass.c
    [ "$status" -eq 1 ]
    assert_report_line "FLAKY  $SUITE/flaky.c: passed 2 of 4 runs"
    assert_report_line "PASS   $SUITE/pass.c"
    [ "${lines[-1]}" = "1 passed, 1 failed, 0 skipped" ]
    [ "$(find "$BATS_TEST_TMPDIR/state" -type f | wc -l)" -eq 4 ]
}

# ------------------------------------------------------------ kinds of TEST

@test "kiln images and static Linux programs are tests too" {
    gcc -O2 -static -o "$BATS_TEST_TMPDIR/pass" $SUITE/pass.c
    gcc -O2 -static -o "$BATS_TEST_TMPDIR/fail" $SUITE/fail.c
    cd "$BATS_TEST_TMPDIR"
    cp "$BATS_FILE_TMPDIR/skip.kiln" "$BATS_FILE_TMPDIR/fail.kiln" .
    kiln_test pass fail skip.kiln fail.kiln
    [ "$status" -eq 1 ]
    assert_verdicts "PASS pass" "FAIL fail" "SKIP skip.kiln" "FAIL fail.kiln"
    assert_report_line "FAIL   fail: exit status 3"
    assert_report_line "      fail: on stderr"
    [ "${lines[-1]}" = "1 passed, 2 failed, 1 skipped" ]
}

@test "busybox's applets are tests, chosen by ARGS" {
    local busybox=/bin/busybox
    [[ -x "$busybox" && $(LC_ALL=C ldd "$busybox" 2>&1) == *"not a dynamic executable"* ]] ||
        skip "no static $busybox (apt-get install busybox-static)"
    kiln_test "$busybox" -- true
    [ "$status" -eq 0 ]
    assert_verdicts "PASS $busybox"
    kiln_test "$busybox" -- false
    [ "$status" -eq 1 ]
    assert_report_line "FAIL   $busybox: exit status 1"
}

# ------------------------------------------------------------ bad input

@test "a missing test file: exit 125 with one line" {
    run --separate-stderr "$KILN" test $SUITE/pass.c $SUITE/missing.c </dev/null
    [ "$status" -eq 125 ]
    [ -z "$output" ]
    assert_one_stderr_line
    [ "$stderr" = "kiln: test: $SUITE/missing.c: No such file or directory" ]
}

@test "no tests: exit 125 with one line" {
    run --separate-stderr "$KILN" test -- an argument </dev/null
    [ "$status" -eq 125 ]
    assert_one_stderr_line
    [ "$stderr" = "kiln: test: no tests given (see kiln test --help)" ]
}

@test "an unknown option: exit 125 with one line" {
    run --separate-stderr "$KILN" test --frobnicate $SUITE/pass.c </dev/null
    [ "$status" -eq 125 ]
    [ -z "$output" ]
    assert_one_stderr_line
    [ "$stderr" = 'kiln: test: unknown option "--frobnicate" (see kiln test --help)' ]
}

# ------------------------------------------------------------ --vm

@test "--vm runs the suite inside a QEMU guest, and its JUnit file reaches the host" {
    [ "${KILN_KVM_PATH:-}" != vm ] || skip "already inside the QEMU guest of tests/kvm-path"
    command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64"
    [ -x "$REPO_ROOT/build/kiln-vm" ] || skip "no build/kiln-vm (make builds it)"
    local xml="$BATS_TEST_TMPDIR/j.xml"
    kiln_test --vm --junit "$xml" $SUITE/pass.c
    [ "$status" -eq 0 ]
    assert_one_stderr_line
    [[ "$stderr" == "kiln: test: running the suite inside a QEMU guest with nested KVM ("* ]]
    assert_verdicts "PASS $SUITE/pass.c"
    [ "${lines[-1]}" = "1 passed, 0 failed, 0 skipped" ]
    run -0 xmllint --noout --schema "$REPO_ROOT/tests/junit.xsd" "$xml"
    # The guest wrote its result into this cache, too.
    kiln_test $SUITE/pass.c
    assert_verdicts "CACHED $SUITE/pass.c"
}
