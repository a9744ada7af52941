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
