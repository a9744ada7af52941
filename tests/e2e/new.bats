# kiln new: an app folder from a template, ready to build or serve.

load helpers

@test "kiln new http DIR copies the HTTP function template" {
    run -0 "$KILN" new http "$BATS_TEST_TMPDIR/fn"
    cmp "$REPO_ROOT/templates/http/function.c" "$BATS_TEST_TMPDIR/fn/function.c"
}

@test "the copied HTTP function builds" {
    "$KILN" new http "$BATS_TEST_TMPDIR/fn"
    run -0 "$KILN" build "$BATS_TEST_TMPDIR/fn/function.c" -o "$BATS_TEST_TMPDIR/fn.kiln"
}

@test "kiln new hello DIR copies the hello template" {
    run -0 "$KILN" new hello "$BATS_TEST_TMPDIR/app"
    [ -f "$BATS_TEST_TMPDIR/app/hello.c" ]
}

@test "kiln new test DIR copies the test suite template, fixtures and all" {
    run -0 "$KILN" new test "$BATS_TEST_TMPDIR/suite"
    [ -f "$BATS_TEST_TMPDIR/suite/fixtures/greeting.txt" ]
    diff -r "$REPO_ROOT/templates/test" "$BATS_TEST_TMPDIR/suite"
}

@test "kiln new copies a template's folders at any depth" {
    mkdir -p "$BATS_TEST_TMPDIR/templates/deep/a/b/c" "$BATS_TEST_TMPDIR/templates/deep/empty"
    echo top >"$BATS_TEST_TMPDIR/templates/deep/top.txt"
    echo leaf >"$BATS_TEST_TMPDIR/templates/deep/a/b/c/leaf.txt"
    KILN_TEMPLATES_DIR="$BATS_TEST_TMPDIR/templates" run -0 "$KILN" new deep "$BATS_TEST_TMPDIR/app"
    diff -r "$BATS_TEST_TMPDIR/templates/deep" "$BATS_TEST_TMPDIR/app"
}

@test "the copied test suite passes under make test" {
    "$KILN" new test "$BATS_TEST_TMPDIR/suite"
    run -0 make -C "$BATS_TEST_TMPDIR/suite" test KILN="$KILN"
    assert_line_in "$output" "2 passed, 0 failed, 0 skipped"
}

@test "the copied files test skips without its fixtures" {
    "$KILN" new test "$BATS_TEST_TMPDIR/suite"
    run -77 --separate-stderr "$KILN" run --timeout 20 "$BATS_TEST_TMPDIR/suite/files_test.c" </dev/null
    [[ "$stderr" == *"/fixtures/greeting.txt"* ]]
}

@test "an unknown template exits 1 and lists the templates" {
    run -1 --separate-stderr "$KILN" new nope "$BATS_TEST_TMPDIR/x"
    [[ "$stderr" == *'no template "nope"'* ]]
    [[ "$stderr" == *"hello http"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/x" ]
}

@test "an existing DIR is left alone: exit 1" {
    mkdir "$BATS_TEST_TMPDIR/taken"
    run -1 --separate-stderr "$KILN" new http "$BATS_TEST_TMPDIR/taken"
    assert_one_stderr_line
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/taken")" ]
}

@test "kiln new without DIR is a usage error" {
    run -2 "$KILN" new http
}
