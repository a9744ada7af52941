# kiln serve as a user runs it: CGI functions answering curl, one pristine
# VM per request, failures turned into HTTP statuses.

load helpers

setup_file() {
    for name in cgi_env cgi_echo cgi_counter cgi_answers; do
        build_guest "$name"
    done
    LOG="$BATS_FILE_TMPDIR/serve.log"
    start_server "$LOG" --workers 2 --timeout 1 --max-body 64K \
        --route "/env=$(guest cgi_env)" --route "/echo=$(guest cgi_echo)" \
        --route "/counter=$(guest cgi_counter)" --route "/answers=$(guest cgi_answers)" \
        --route "/template=$REPO_ROOT/templates/http/function.c"
    export LOG PORT SERVER_PID
}

teardown_file() {
    stop_server
}

# env_of PATH [CURL ARGS...]: what /env answers, for assert_line_in
env_of() {
    fetch "/env$1" "${@:2}"
}

@test "REQUEST_METHOD is the request's method" {
    assert_line_in "$(env_of / -X DELETE)" "REQUEST_METHOD=DELETE"
}

@test "QUERY_STRING is the raw query" {
    assert_line_in "$(env_of '/?a=1&b=%20x')" "QUERY_STRING=a=1&b=%20x"
}

@test "QUERY_STRING is empty without a query" {
    assert_line_in "$(env_of /)" "QUERY_STRING="
}

@test "PATH_INFO is the decoded path after the route" {
    assert_line_in "$(env_of '/users/a%20b')" "PATH_INFO=/users/a b"
}

@test "SCRIPT_NAME is the route's path" {
    assert_line_in "$(env_of /x)" "SCRIPT_NAME=/env"
}

@test "the longest route prefix of whole segments wins" {
    local port=$PORT pid=$SERVER_PID
    start_server "$BATS_TEST_TMPDIR/log" --route "/=$(guest cgi_env)" \
        --route "/api=$(guest cgi_env)" --route "/api/v2=$(guest cgi_env)"
    local v2 api apix
    v2=$(fetch /api/v2/users)
    api=$(fetch /api)
    apix=$(fetch /apix)
    stop_server
    PORT=$port SERVER_PID=$pid
    assert_line_in "$v2" "SCRIPT_NAME=/api/v2"
    assert_line_in "$v2" "PATH_INFO=/users"
    assert_line_in "$api" "SCRIPT_NAME=/api"
    assert_line_in "$api" "PATH_INFO="
    assert_line_in "$apix" "SCRIPT_NAME="
    assert_line_in "$apix" "PATH_INFO=/apix"
}

@test "SERVER_PROTOCOL is the request's HTTP version" {
    assert_line_in "$(env_of / --http1.0)" "SERVER_PROTOCOL=HTTP/1.0"
}

@test "SERVER_NAME is the Host header's name" {
    assert_line_in "$(env_of / -H 'Host: example.test:1234')" "SERVER_NAME=example.test"
}

@test "SERVER_PORT is the port kiln listens on" {
    assert_line_in "$(env_of /)" "SERVER_PORT=$PORT"
}

@test "REMOTE_ADDR is the client's address" {
    assert_line_in "$(env_of /)" "REMOTE_ADDR=127.0.0.1"
}

@test "GATEWAY_INTERFACE is CGI/1.1" {
    assert_line_in "$(env_of /)" "GATEWAY_INTERFACE=CGI/1.1"
}

@test "CONTENT_TYPE and CONTENT_LENGTH describe a POST body" {
    local out
    out=$(env_of / -H 'Content-Type: application/x-test' --data-binary 'hello')
    assert_line_in "$out" "CONTENT_TYPE=application/x-test"
    assert_line_in "$out" "CONTENT_LENGTH=5"
}

@test "a GET has no CONTENT_LENGTH" {
    ! grep -q '^CONTENT_LENGTH=' <<<"$(env_of /)"
}

@test "each request header becomes HTTP_NAME" {
    local out
    out=$(env_of / -H 'X-Custom-Thing: one two' -A 'kiln-test/1')
    assert_line_in "$out" "HTTP_X_CUSTOM_THING=one two"
    assert_line_in "$out" "HTTP_USER_AGENT=kiln-test/1"
    assert_line_in "$out" "HTTP_HOST=127.0.0.1:$PORT"
}

@test "a Proxy header does not become HTTP_PROXY" {
    ! grep -q '^HTTP_PROXY=' <<<"$(env_of / -H 'Proxy: http://evil.test')"
}

@test "the function's argv[0] is named after its image" {
    assert_line_in "$(env_of /)" "argv0=cgi_env"
}

@test "a POST body arrives on stdin byte for byte" {
    head -c 40000 /dev/urandom >"$BATS_TEST_TMPDIR/body"
    fetch /echo --data-binary "@$BATS_TEST_TMPDIR/body" >"$BATS_TEST_TMPDIR/echoed"
    [ "$(status)" = 200 ]
    cmp "$BATS_TEST_TMPDIR/body" "$BATS_TEST_TMPDIR/echoed"
}

@test "a chunked POST body arrives whole" {
    run -0 fetch /echo -H 'Transfer-Encoding: chunked' --data-binary 'in chunks'
    [ "$output" = "in chunks" ]
}

@test "Status and other headers reach the client" {
    run -0 timeout 10 curl -si "http://127.0.0.1:$PORT/answers?created"
    assert_line_in "$output" $'HTTP/1.1 201 Created\r'
    assert_line_in "$output" $'Content-Type: application/json\r'
    assert_line_in "$output" $'X-Kiln-Test: yes\r'
    assert_line_in "$output" $'Set-Cookie: a=1\r'
    assert_line_in "$output" $'Set-Cookie: b=2\r'
    assert_line_in "$output" '{"made":true}'
}

@test "an answer larger than the function's stdout buffers arrives whole" {
    run -0 fetch '/answers?big'
    [ "$(status)" = 200 ]
    [ "${#lines[@]}" = 20000 ]
    [ "${lines[0]}" = 000000000 ]
    [ "${lines[19999]}" = 000019999 ]
}

@test "Location without Status redirects with 302" {
    run -0 timeout 10 curl -si "http://127.0.0.1:$PORT/answers?redirect"
    assert_line_in "$output" $'HTTP/1.1 302 Found\r'
    assert_line_in "$output" $'Location: https://example.test/elsewhere\r'
}

@test "an unknown route answers 404" {
    fetch /nowhere >/dev/null
    [ "$(status)" = 404 ]
}

@test "a route matches whole path segments only" {
    fetch /envelope >/dev/null
    [ "$(status)" = 404 ]
}

@test "a body over --max-body answers 413" {
    head -c 70000 /dev/zero >"$BATS_TEST_TMPDIR/big"
    fetch /echo --data-binary "@$BATS_TEST_TMPDIR/big" >/dev/null
    [ "$(status)" = 413 ]
}

@test "a chunked body over --max-body answers 413" {
    head -c 70000 /dev/zero >"$BATS_TEST_TMPDIR/big"
    fetch /echo -H 'Transfer-Encoding: chunked' --data-binary "@$BATS_TEST_TMPDIR/big" >/dev/null
    [ "$(status)" = 413 ]
}

@test "a crash answers 502, logs one line, and the next request is served" {
    fetch '/answers?crash' >/dev/null
    [ "$(status)" = 502 ]
    grep -E '^kiln: /answers #[0-9]+: guest crashed: page fault' "$LOG"
    run -0 fetch '/answers?created'
    [ "$(status)" = 201 ]
}

@test "abort() answers 502" {
    fetch '/answers?abort' >/dev/null
    [ "$(status)" = 502 ]
    grep -E '^kiln: /answers #[0-9]+: guest crashed: killed by signal 6' "$LOG"
}

@test "a malformed answer answers 502 and says why in the log" {
    fetch '/answers?malformed' >/dev/null
    [ "$(status)" = 502 ]
    grep -E "^kiln: /answers #[0-9]+: the function's answer is not CGI: no blank line" "$LOG"
}

@test "no answer at all answers 502" {
    fetch '/answers?silence' >/dev/null
    [ "$(status)" = 502 ]
}

@test "a function past --timeout answers 504, and the next request is served" {
    fetch '/answers?spin' >/dev/null
    [ "$(status)" = 504 ]
    grep -E '^kiln: /answers #[0-9]+: timed out after 1 s' "$LOG"
    run -0 fetch '/answers?created'
    [ "$(status)" = 201 ]
}

@test "stderr goes to the log with the route and request id" {
    run -0 fetch '/answers?logs'
    [ "$output" = logged ]
    grep -E '^kiln: /answers #[0-9]+: stderr: first line to the log$' "$LOG"
    grep -E '^kiln: /answers #[0-9]+: stderr: second line$' "$LOG"
}

@test "each request has an access log line: method, path, status, bytes, microseconds" {
    fetch '/env/logged?x=1' -X PUT >/dev/null
    grep -E '^kiln: /env #[0-9]+: PUT /env/logged\?x=1 200 [0-9]+ bytes [0-9]+ us$' "$LOG"
}

@test "a function that overwrote its own code gets a fresh VM" {
    run -0 fetch '/answers?overwrite' --data-binary "$(printf '\xcc%.0s' $(seq 16))"
    assert_line_in "$output" "overwrote 16 bytes"
    grep -q 'kiln: /answers.*: the function wrote to its own code; its VM is rebuilt' "$LOG"
    for _ in 1 2 3 4; do
        run -0 fetch '/answers?redirect'
        [ "$(status)" = 302 ]
    done
}

@test "the counter function answers calls=1 every time" {
    for _ in 1 2 3 4 5; do
        run -0 fetch /counter
        assert_line_in "$output" "calls=1"
    done
}

@test "a request sees nothing of an earlier one: heap, stdin" {
    fetch '/counter?first' --data-binary 'xyz' >/dev/null
    run -0 fetch '/counter?second'
    assert_line_in "$output" "query=second"
    ! grep -q leftover <<<"$output"
    ! grep -q 'first body byte' <<<"$output"
}

@test "concurrent requests each get their own answer" {
    # 60 s a request: under emulation (the nested path) 16 at once took
    # longer than 10.
    seq 64 | xargs -P 16 -I{} sh -c \
        'timeout 60 curl -sS "http://127.0.0.1:'"$PORT"'/counter?id={}" >"'"$BATS_TEST_TMPDIR"'/{}"'
    for i in $(seq 64); do
        assert_line_in "$(cat "$BATS_TEST_TMPDIR/$i")" "query=id=$i"
        assert_line_in "$(cat "$BATS_TEST_TMPDIR/$i")" "calls=1"
    done
}

@test "after thousands of requests under load the counter still answers calls=1" {
    # Rounds of wrk until 1000 requests are in: under emulation (the nested
    # path) one round of 3 s serves only a few hundred.
    local total=0 rounds=0
    while [ "$total" -lt 1000 ] && [ "$rounds" -lt 20 ]; do
        run -0 timeout 30 wrk -t 2 -c 8 -d 3 "http://127.0.0.1:$PORT/counter"
        ! grep -q 'Non-2xx' <<<"$output"
        total=$((total + $(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$output")))
        rounds=$((rounds + 1))
    done
    [ "$total" -ge 1000 ]
    run -0 fetch /counter
    assert_line_in "$output" "calls=1"
}

@test "a .c route is built at start: the HTTP template answers" {
    run -0 fetch '/template/world?name=kiln'
    assert_line_in "$output" "Hello from kiln!"
    assert_line_in "$output" "GET /template/world"
    assert_line_in "$output" "query: name=kiln"
}

@test "SIGTERM lets the request in flight finish, then kiln exits 0" {
    local log="$BATS_TEST_TMPDIR/drain.log"
    start_server "$log" --workers 1 --route "/answers=$(guest cgi_answers)"
    timeout 10 curl -sS "http://127.0.0.1:$PORT/answers?slow" >"$BATS_TEST_TMPDIR/slow" &
    local curl_pid=$!
    # Until curl's connection is up (a started curl can take longer than
    # the function's 0.7 s under emulation), then a little into the run.
    local port_hex
    port_hex=$(printf '%04X' "$PORT")
    for _ in $(seq 100); do
        awk -v port=":$port_hex" '$3 ~ port "$" && $4 == "01" { found = 1 } END { exit !found }' \
            /proc/net/tcp && break
        sleep 0.05
    done
    sleep 0.2
    kill -TERM "$SERVER_PID"
    wait "$curl_pid"
    [ "$(cat "$BATS_TEST_TMPDIR/slow")" = slept ]
    # In this shell, not run's subshell: there, a kiln still tearing down
    # is no child to wait for, and the status is bash's, not kiln's.
    local code=0
    wait "$SERVER_PID" || code=$?
    [ "$code" -eq 0 ]
}

@test "kiln serve --help shows the usage" {
    run -0 "$KILN" serve --help
    [[ "$output" == "Usage: kiln serve"* ]]
}

@test "kiln serve without a route or functions is a usage error" {
    run -2 --separate-stderr "$KILN" serve
    assert_one_stderr_line
    [ "$stderr" = "kiln: serve: no --route or --functions given (see kiln serve --help)" ]
}

@test "kiln serve with a missing image exits 1 with one line" {
    run -1 --separate-stderr "$KILN" serve --route "/x=$BATS_TEST_TMPDIR/missing.kiln"
    assert_one_stderr_line
    [[ "$stderr" == *"missing.kiln"* ]]
}

@test "kiln serve on a port in use exits 1" {
    run -1 --separate-stderr "$KILN" serve --listen "127.0.0.1:$PORT" --route "/env=$(guest cgi_env)"
    [[ "$stderr" == *"cannot listen on 127.0.0.1:$PORT"* ]]
}
