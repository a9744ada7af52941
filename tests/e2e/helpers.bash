# Shared by the e2e tests: where kiln and the guest programs are.
# Tests run kiln as a user does, from the repository root.

bats_require_minimum_version 1.5.0

REPO_ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
KILN="${KILN:-$REPO_ROOT/build/kiln}"
GUESTS="$REPO_ROOT/tests/guests"

# Never the user's cache: each test file has its own.
export KILN_CACHE_DIR="$BATS_FILE_TMPDIR/cache"

# build_guest NAME: tests/guests/NAME.c -> $BATS_FILE_TMPDIR/NAME.kiln
build_guest() {
    "$KILN" build "$GUESTS/$1.c" -o "$BATS_FILE_TMPDIR/$1.kiln"
}

# guest NAME: the image build_guest made
guest() {
    echo "$BATS_FILE_TMPDIR/$1.kiln"
}

# assert_one_stderr_line: after run --separate-stderr
assert_one_stderr_line() {
    if [ "${#stderr_lines[@]}" -ne 1 ]; then
        echo "expected one line on stderr, got ${#stderr_lines[@]}:" >&2
        printf '%s\n' "$stderr" >&2
        return 1
    fi
}

# assert_crash_report: after run --separate-stderr: the crash's one-line
# summary, then only indented lines: the registers and a backtrace.
assert_crash_report() {
    local line
    if [[ "${stderr_lines[0]}" != "kiln: "*": guest crashed: "* ]]; then
        echo "no crash summary first on stderr:" >&2
        printf '%s\n' "$stderr" >&2
        return 1
    fi
    for line in "${stderr_lines[@]:1}"; do
        if [[ "$line" != "  "* ]]; then
            echo "crash report line not indented: $line" >&2
            return 1
        fi
    done
    assert_line_in "$stderr" "  backtrace:"
}

# assert_not_signaled: after run: kiln exited by itself, not by a signal.
assert_not_signaled() {
    if [ "$status" -ge 128 ]; then
        echo "kiln died of signal $((status - 128))" >&2
        return 1
    fi
}

# assert_line_in TEXT LINE...: TEXT has a line that is exactly LINE
assert_line_in() {
    local text="$1" line="$2"
    if ! grep -qxF -- "$line" <<<"$text"; then
        echo "no line \"$line\" in:" >&2
        printf '%s\n' "$text" >&2
        return 1
    fi
}
