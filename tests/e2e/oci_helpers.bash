# Shared by oci_podman.bats and oci_containerd.bats.

# readme_block PATTERN: README.md's first indented code block that matches
# PATTERN (an awk regular expression), less its indent: the configuration
# the README gives, so the tests run what a reader copies.
readme_block() {
    awk -v pattern="$1" '
        /^    / { block = block substr($0, 5) "\n"; next }
        block ~ pattern { found = 1; exit }
        { block = "" }
        END { if (found || block ~ pattern) printf "%s", block }' "$REPO_ROOT/README.md"
}
