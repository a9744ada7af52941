# kiln's own command line: help, version, and refusals of bad usage.

load helpers

# The options the text on stdin names, once each: "--name" or "-X" standing
# alone, not the "-lm" of an example nor the hyphen in "musl-gcc".  -h and
# --help are left out: README.md names them once for every command.
option_names() {
    grep -oP -- '(?<![[:alnum:]-])(--[a-z][a-z-]*|-[A-Za-z])(?![[:alnum:]])' |
        grep -vxE -- '-h|--help' | sort -u
}

# The paragraph on kiln $1 in README.md's Usage section: the one that
# starts with "`kiln $1 ".
readme_usage() {
    awk -v RS= -v start="\`kiln $1 " '/^## /{usage = /^## Usage/} usage && index($0, start) == 1' \
        "$REPO_ROOT/README.md"
}

# Fails, showing the difference, unless kiln $1 --help and README.md's
# usage of kiln $1 name the same options.
assert_help_matches_readme() {
    run -0 "$KILN" "$1" --help
    local help readme
    help=$(option_names <<<"$output")
    readme=$(readme_usage "$1" | option_names)
    [ -n "$help" ]
    diff <(echo "$help") <(echo "$readme")
}

@test "kiln --help lists the commands and the exit codes" {
    run -0 "$KILN" --help
    [[ "$output" == *"kiln build"* ]]
    [[ "$output" == *"kiln run"* ]]
    [[ "$output" == *"kiln version"* ]]
    [[ "$output" == *"Exit codes"* ]]
    [[ "$output" == *124* && "$output" == *125* && "$output" == *126* ]]
}

@test "kiln help is kiln --help" {
    run -0 "$KILN" help
    [ "$output" = "$("$KILN" --help)" ]
}

@test "kiln build --help lists its options and exit codes" {
    run -0 "$KILN" build --help
    [[ "$output" == *"Usage: kiln build"* ]]
    [[ "$output" == *"--mem SIZE"* ]]
    [[ "$output" == *"Exit codes"* ]]
}

@test "kiln run --help lists its options and exit codes" {
    run -0 "$KILN" run --help
    [[ "$output" == *"Usage: kiln run"* ]]
    [[ "$output" == *"--timeout"* && "$output" == *"--env"* ]]
    [[ "$output" == *"Exit codes"* ]]
    [[ "$output" == *124* && "$output" == *125* && "$output" == *126* ]]
}

@test "kiln build --help and README.md name the same options" {
    assert_help_matches_readme build
}

@test "kiln run --help and README.md name the same options" {
    assert_help_matches_readme run
}

@test "kiln serve --help and README.md name the same options" {
    assert_help_matches_readme serve
}

@test "kiln version --help shows its usage and exit codes" {
    run -0 "$KILN" version --help
    [[ "$output" == *"Usage: kiln version"* ]]
    [[ "$output" == *"Exit codes"* ]]
}

@test "kiln help --help shows its usage and exit codes" {
    run -0 "$KILN" help --help
    [[ "$output" == *"Usage: kiln help"* ]]
    [[ "$output" == *"Exit codes"* ]]
}

@test "kiln help run is kiln run --help" {
    run -0 "$KILN" help run
    [ "$output" = "$("$KILN" run --help)" ]
}

@test "kiln version prints the version and the ABI" {
    run -0 "$KILN" version
    [ "$output" = "kiln 0.1.0 (abi 5)" ]
}

@test "kiln --version is kiln version" {
    run -0 "$KILN" --version
    [ "$output" = "kiln 0.1.0 (abi 5)" ]
}

@test "kiln without a command: exit 2 with one line" {
    run -2 --separate-stderr "$KILN"
    assert_one_stderr_line
}

@test "an unknown command: exit 2 with one line" {
    run -2 --separate-stderr "$KILN" frobnicate
    assert_one_stderr_line
    [ "$stderr" = 'kiln: unknown command "frobnicate" (see kiln --help)' ]
}

@test "kiln help of an unknown command: exit 2 with one line" {
    run -2 --separate-stderr "$KILN" help frobnicate
    assert_one_stderr_line
}

@test "kiln run --mem that is not a size: exit 125 with one line" {
    run -125 --separate-stderr "$KILN" run --mem 12Q app.kiln
    assert_one_stderr_line
    [ "$stderr" = 'kiln: run: --mem: "12Q" is not a size (e.g. 64M, 1G)' ]
}

@test "kiln run --mem out of range: one line naming the range" {
    run -125 --separate-stderr "$KILN" run --mem 1M app.kiln
    assert_one_stderr_line
    [[ "$stderr" == *"16M to 4G"* ]]
}

@test "kiln build --mem that is not a size: exit 2 with one line" {
    run -2 --separate-stderr "$KILN" build --mem lots "$REPO_ROOT/templates/hello/hello.c"
    assert_one_stderr_line
}

@test "kiln run --mem rounds up to 2 MiB and boots" {
    run -0 "$KILN" run --mem 33M "$REPO_ROOT/templates/hello/hello.c" </dev/null
    assert_line_in "$output" "Hello from kiln!"
}

@test "kiln run --timeout that is not a number: exit 125 with one line" {
    run -125 --separate-stderr "$KILN" run --timeout soon app.kiln
    assert_one_stderr_line
}

@test "kiln run --env without a value: exit 125 with one line" {
    run -125 --separate-stderr "$KILN" run --env HOME app.kiln
    assert_one_stderr_line
}

@test "kiln run without an image: exit 125 with one line" {
    run -125 --separate-stderr "$KILN" run
    assert_one_stderr_line
}

@test "kiln run with an unknown option: exit 125 with one line" {
    run -125 --separate-stderr "$KILN" run --bogus app.kiln
    assert_one_stderr_line
}

@test "kiln build with an unknown option: exit 2 with one line" {
    run -2 --separate-stderr "$KILN" build --bogus app.c
    assert_one_stderr_line
}

@test "kiln build -O, -D, -I and -l reach the compiler" {
    mkdir "$BATS_TEST_TMPDIR/inc"
    printf '#define GREETING "hi"\n' >"$BATS_TEST_TMPDIR/inc/greeting.h"
    cat >"$BATS_TEST_TMPDIR/app.c" <<'SRC'
#include <math.h>
#include <stdio.h>
#include "greeting.h"
int main(void) { printf("%s %s %d\n", GREETING, WHO, (int)sqrt(49.0)); return 0; }
SRC
    run -0 "$KILN" build -O0 -I "$BATS_TEST_TMPDIR/inc" -DWHO='"there"' -lm \
        "$BATS_TEST_TMPDIR/app.c" -o "$BATS_TEST_TMPDIR/app.kiln"
    run -0 "$KILN" run "$BATS_TEST_TMPDIR/app.kiln" </dev/null
    [ "$output" = "hi there 7" ]
}

@test "kiln build -v says why the cache missed and prints the compiler commands" {
    KILN_CACHE_DIR="$BATS_TEST_TMPDIR/cache" run -0 --separate-stderr "$KILN" build -v \
        "$REPO_ROOT/templates/hello/hello.c" -o "$BATS_TEST_TMPDIR/hello.kiln"
    [[ "${stderr_lines[0]}" == "kiln: build cache: miss, "* ]]
    [[ "${stderr_lines[1]}" == "musl-gcc "*" -c "* ]]
    [[ "${stderr_lines[2]}" == "musl-gcc "*" -o "* ]]
}

@test "kiln links nothing of kiln serve: no CGI, HTTP, route or pool symbols" {
    run -0 nm "$KILN"
    ! grep -Ei ' [TtDdBbRr] (cgi_|http_|route_|routes_|pool_|request_|server_|MHD_)' <<<"$output"
}
