# Files that are not images, and sources that do not compile: one clear
# line (or the compiler's own words) and the documented exit status.

load helpers

setup_file() {
    "$KILN" build "$REPO_ROOT/templates/hello/hello.c" -o "$BATS_FILE_TMPDIR/hello.kiln"
}

@test "a file of random bytes: exit 125 with one line" {
    head -c 65536 /dev/urandom >"$BATS_TEST_TMPDIR/junk.kiln"
    run -125 --separate-stderr "$KILN" run "$BATS_TEST_TMPDIR/junk.kiln" </dev/null
    assert_one_stderr_line
    [[ "$stderr" == kiln:*junk.kiln* ]]
}

@test "a truncated image: exit 125 with one line" {
    head -c 2000 "$BATS_FILE_TMPDIR/hello.kiln" >"$BATS_TEST_TMPDIR/truncated.kiln"
    run -125 --separate-stderr "$KILN" run "$BATS_TEST_TMPDIR/truncated.kiln" </dev/null
    assert_one_stderr_line
    [[ "$stderr" == kiln:*truncated.kiln* ]]
}

@test "an empty file: exit 125 with one line" {
    : >"$BATS_TEST_TMPDIR/empty.kiln"
    run -125 --separate-stderr "$KILN" run "$BATS_TEST_TMPDIR/empty.kiln" </dev/null
    assert_one_stderr_line
}

@test "a missing image: exit 125 with one line" {
    run -125 --separate-stderr "$KILN" run "$BATS_TEST_TMPDIR/missing.kiln" </dev/null
    assert_one_stderr_line
    [[ "$stderr" == *missing.kiln* ]]
}

@test "kiln build of a syntax error: exit 1 with the compiler's error" {
    printf 'int main(void) { return 0 }\n' >"$BATS_TEST_TMPDIR/broken.c"
    run -1 --separate-stderr "$KILN" build "$BATS_TEST_TMPDIR/broken.c" \
        -o "$BATS_TEST_TMPDIR/broken.kiln"
    [[ "$stderr" == *"broken.c:1:"*"error:"* ]]
    [[ "${stderr_lines[-1]}" == "kiln: build failed: musl-gcc exited with status 1" ]]
    [ -z "$output" ]
}

@test "a failed build leaves no image and no temporary file" {
    printf 'int main(void) { return 0 }\n' >"$BATS_TEST_TMPDIR/broken.c"
    mkdir "$BATS_TEST_TMPDIR/out"
    run -1 "$KILN" build "$BATS_TEST_TMPDIR/broken.c" -o "$BATS_TEST_TMPDIR/out/broken.kiln"
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/out")" ]
}

@test "a failed build keeps the image it would have replaced" {
    cp "$BATS_FILE_TMPDIR/hello.kiln" "$BATS_TEST_TMPDIR/app.kiln"
    printf 'int main(void) { return 0 }\n' >"$BATS_TEST_TMPDIR/app.c"
    run -1 "$KILN" build "$BATS_TEST_TMPDIR/app.c" -o "$BATS_TEST_TMPDIR/app.kiln"
    cmp "$BATS_FILE_TMPDIR/hello.kiln" "$BATS_TEST_TMPDIR/app.kiln"
}

@test "kiln run of a syntax error: exit 125 with the compiler's error" {
    printf 'int main(void) { return 0 }\n' >"$BATS_TEST_TMPDIR/broken.c"
    run -125 --separate-stderr "$KILN" run "$BATS_TEST_TMPDIR/broken.c" </dev/null
    [[ "$stderr" == *"error:"* ]]
}

@test "kiln build of a missing source: exit 1 with one line" {
    run -1 --separate-stderr "$KILN" build "$BATS_TEST_TMPDIR/nothere.c"
    assert_one_stderr_line
    [[ "$stderr" == *"nothere.c"* ]]
}

@test "kiln build of a file not ending in .c: exit 1 with one line" {
    printf 'int main(void) { return 0; }\n' >"$BATS_TEST_TMPDIR/app.txt"
    run -1 --separate-stderr "$KILN" build "$BATS_TEST_TMPDIR/app.txt" \
        -o "$BATS_TEST_TMPDIR/app.kiln"
    assert_one_stderr_line
    [[ "$stderr" == *"app.txt"*".c"* ]]
}

@test "kiln build without the runtime: exit 1 with one line saying to run make" {
    KILN_RUNTIME_DIR="$BATS_TEST_TMPDIR/none" run -1 --separate-stderr "$KILN" build \
        "$REPO_ROOT/templates/hello/hello.c" -o "$BATS_TEST_TMPDIR/hello.kiln"
    assert_one_stderr_line
    [ "$stderr" = "kiln: runtime not found: $BATS_TEST_TMPDIR/none/libkiln.a (run make)" ]
}

@test "kiln build without musl-gcc: exit 1 with one line saying what to install" {
    run -1 --separate-stderr env PATH="$BATS_TEST_TMPDIR" "$KILN" build \
        "$REPO_ROOT/templates/hello/hello.c" -o "$BATS_TEST_TMPDIR/hello.kiln"
    assert_one_stderr_line
    [ "$stderr" = "kiln: musl-gcc not found: install musl-tools" ]
}
