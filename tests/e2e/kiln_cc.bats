# kiln cc (kiln-cc): gcc's command line, so that a project's own build
# (make, CMake, a configure script) makes images.  The project is
# tests/e2e/projects/calc: a program and a static library made with ar.

load helpers

KILN_CC="$(dirname "$KILN")/kiln-cc"
PROJECT="$REPO_ROOT/tests/e2e/projects/calc"

# What calc prints when built without configure.
CALC_OUTPUT='2 + 3 = 5
6 * 7 = 42
INT_MAX + 1 = -2147483648
configured by nobody'

# copy_project DIR: a fresh copy of the project in DIR, as a user has one.
copy_project() {
    mkdir -p "$1"
    cp -R "$PROJECT/." "$1"
}

# run_calc IMAGE: kiln run of the project's program, which must exit 0.
run_calc() {
    run -0 --separate-stderr "$KILN" run --timeout 20 "$1" </dev/null
}

@test "make CC=kiln-cc builds the project into an image that prints its answers" {
    copy_project "$BATS_TEST_TMPDIR/calc"
    run -0 make -C "$BATS_TEST_TMPDIR/calc" CC="$KILN_CC"
    run_calc "$BATS_TEST_TMPDIR/calc/calc"
    assert_output "$CALC_OUTPUT"
}

@test "cmake with CMAKE_C_COMPILER=kiln-cc configures and builds an image that boots" {
    command -v cmake >/dev/null || skip "cmake is not installed (make deps)"
    run -0 cmake -S "$PROJECT" -B "$BATS_TEST_TMPDIR/build" -DCMAKE_C_COMPILER="$KILN_CC"
    run -0 cmake --build "$BATS_TEST_TMPDIR/build"
    run_calc "$BATS_TEST_TMPDIR/build/calc"
    assert_output "$CALC_OUTPUT"
}

@test "configure --host with CC=kiln-cc, then make, builds an image that boots" {
    copy_project "$BATS_TEST_TMPDIR/calc"
    cd "$BATS_TEST_TMPDIR/calc"
    run -0 env CC="$KILN_CC" ./configure --host=x86_64-kiln-linux
    assert_line_in "$output" "checking whether the C compiler works... yes"
    assert_line_in "$output" "checking whether we are cross compiling... yes"
    run -0 make
    run_calc calc
    assert_line_in "$output" "configured by configure"
}

@test "configure without --host stops: an image does not run on the host" {
    copy_project "$BATS_TEST_TMPDIR/calc"
    cd "$BATS_TEST_TMPDIR/calc"
    run -1 --separate-stderr env CC="$KILN_CC" ./configure
    assert_line_in "$output" "checking whether the C compiler works... yes"
    assert_line_in "$stderr" "configure: error: cannot run C compiled programs."
}

@test "two builds of the project in two folders give the same image bytes" {
    copy_project "$BATS_TEST_TMPDIR/one/calc"
    copy_project "$BATS_TEST_TMPDIR/two/calc"
    run -0 make -C "$BATS_TEST_TMPDIR/one/calc" CC="$KILN_CC"
    run -0 make -C "$BATS_TEST_TMPDIR/two/calc" CC="$KILN_CC"
    cmp "$BATS_TEST_TMPDIR/one/calc/calc" "$BATS_TEST_TMPDIR/two/calc/calc"
}

@test "kiln cc links the same image kiln build makes of the same source" {
    cd "$BATS_TEST_TMPDIR"
    run -0 "$KILN" build "$REPO_ROOT/templates/hello/hello.c" -o built.kiln
    run -0 "$KILN" cc -O2 "$REPO_ROOT/templates/hello/hello.c" -o linked.kiln
    cmp built.kiln linked.kiln
}

@test "kiln cc without -o writes a.out, which boots" {
    cd "$BATS_TEST_TMPDIR"
    run -0 "$KILN" cc "$REPO_ROOT/templates/hello/hello.c"
    run -0 "$KILN" run a.out </dev/null
    assert_line_in "$output" "Hello from kiln!"
}

@test "kiln cc -c writes an ordinary ELF relocatable object" {
    cd "$BATS_TEST_TMPDIR"
    run -0 "$KILN" cc -c "$REPO_ROOT/templates/hello/hello.c" -o hello.o
    run -0 file hello.o
    [[ "$output" == *"ELF 64-bit LSB relocatable, x86-64"* ]]
}

@test "kiln-cc -c with -MD -MF -MT -MP writes the dependency file it is asked for" {
    cd "$BATS_TEST_TMPDIR"
    printf '#include "lib.h"\nint main(void) { return LIB; }\n' >main.c
    echo '#define LIB 0' >lib.h
    run -0 "$KILN_CC" -MD -MF deps.d -MT main.o -MP -c main.c -o main.o
    grep -q '^main.o: main.c lib.h$' deps.d
    grep -qx 'lib.h:' deps.d
}

@test "kiln-cc -shared is refused in one line, exit 2" {
    cd "$BATS_TEST_TMPDIR"
    echo 'int f(void) { return 1; }' >x.c
    run -2 --separate-stderr "$KILN_CC" -shared x.c -o libx.so
    assert_one_stderr_line
    [[ "$stderr" == "kiln: cc: -shared: cannot link an image: "* ]]
    [ ! -e libx.so ]
}

@test "kiln-cc passes a compile error and musl-gcc's exit status through" {
    cd "$BATS_TEST_TMPDIR"
    echo 'int main(void) { return undeclared; }' >bad.c
    run -1 --separate-stderr "$KILN_CC" -c bad.c
    [[ "$stderr" == *"error: "*"undeclared"* ]]
    [[ "$stderr" != *"kiln:"* ]]
}

@test "a failed link leaves neither an image nor a temporary file" {
    cd "$BATS_TEST_TMPDIR"
    echo 'int missing(void); int main(void) { return missing(); }' >main.c
    run -1 "$KILN_CC" main.c -o app
    [ -z "$(ls -A | grep -vx main.c)" ]
}

@test "a link missing a symbol names it in one line after the linker's own messages" {
    cd "$BATS_TEST_TMPDIR"
    printf 'int missing_piece(void);\nint main(void) { return missing_piece(); }\n' >uses.c
    run -1 --separate-stderr "$KILN_CC" uses.c -o uses
    [ "${stderr_lines[${#stderr_lines[@]} - 1]}" = "kiln: undefined symbols: missing_piece" ]
}

@test "kiln-cc --version is musl-gcc's" {
    run -0 "$KILN_CC" --version
    [ "$output" = "$(musl-gcc --version)" ]
}

@test "kiln help cc is kiln cc --help" {
    run -0 "$KILN" help cc
    [[ "$output" == *"Usage: kiln cc"* ]]
    [ "$output" = "$("$KILN_CC" --help)" ]
}
