# The hello template, built and booted the two ways a user does it.

load helpers

setup_file() {
    "$KILN" build "$REPO_ROOT/templates/hello/hello.c" -o "$BATS_FILE_TMPDIR/hello.kiln"
}

@test "hello prints Hello and exits 0" {
    run -0 --separate-stderr "$KILN" run "$BATS_FILE_TMPDIR/hello.kiln" </dev/null
    assert_line_in "$output" "Hello from kiln!"
    [ -z "$stderr" ]
}

@test "hello's argv[0] is the image's name" {
    run -0 "$KILN" run "$BATS_FILE_TMPDIR/hello.kiln" </dev/null
    assert_line_in "$output" "argv[0] = hello"
}

@test "kiln run app.c -- args builds, boots and passes the arguments" {
    run -0 "$KILN" run "$REPO_ROOT/templates/hello/hello.c" -- one "two words" </dev/null
    assert_line_in "$output" "Hello from kiln!"
    assert_line_in "$output" "argv[0] = hello"
    assert_line_in "$output" "argv[1] = one"
    assert_line_in "$output" "argv[2] = two words"
}

@test "kiln run app.c leaves no temporary image behind" {
    mkdir "$BATS_TEST_TMPDIR/tmp"
    run -0 env TMPDIR="$BATS_TEST_TMPDIR/tmp" "$KILN" run "$REPO_ROOT/templates/hello/hello.c" \
        </dev/null
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/tmp")" ]
}

@test "kiln build names the image after the first source" {
    cd "$BATS_TEST_TMPDIR"
    run -0 "$KILN" build "$REPO_ROOT/templates/hello/hello.c"
    [ -f hello.kiln ]
    [ -z "$(ls -A | grep -v '^hello.kiln$')" ]
}

@test "kiln build writes a readable, executable image" {
    [ -r "$BATS_FILE_TMPDIR/hello.kiln" ]
    [ -x "$BATS_FILE_TMPDIR/hello.kiln" ]
}
