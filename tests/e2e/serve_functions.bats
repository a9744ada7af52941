# kiln serve at density: a folder of functions (--functions DIR) served
# next to the --route's and followed while it serves, routes that give
# their VMs back when idle (--idle), a bound on the VMs of all routes
# together (--max-vms), and the admin listener's figures (--admin).

load helpers

setup_file() {
    "$KILN" build "$GUESTS/cgi_named.c" -o "$BATS_FILE_TMPDIR/old.kiln"
    "$KILN" build -DVERSION=new "$GUESTS/cgi_named.c" -o "$BATS_FILE_TMPDIR/new.kiln"
    build_guest cgi_answers
}

setup() {
    DIR="$BATS_TEST_TMPDIR/functions"
    LOG="$BATS_TEST_TMPDIR/serve.log"
    mkdir "$DIR"
    BACKGROUND=()
    # Under emulation (tests/kvm-path's QEMU guest) everything is about 50
    # times slower: what must take a second here gets a minute there.
    # SECOND: how soon a change in the folder is seen; IDLE: how long
    # after --idle 1 a route may still hold its VMs; SLOW: a deadline for
    # what has no bound of its own (a start, a build, a burst).
    if [ "${KILN_KVM_PATH:-}" = vm ]; then
        NESTED=1 SECOND=60 IDLE=600 SLOW=600
    else
        NESTED='' SECOND=1 IDLE=5 SLOW=30
    fi
}

teardown() {
    touch "$BATS_TEST_TMPDIR/stop"
    local pid
    for pid in "${BACKGROUND[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    stop_server
    if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -f "$LOG" ]; then
        echo "--- kiln serve's log (last 40 lines):"
        tail -n 40 "$LOG"
    fi
}

# old NAME, new NAME: NAME.kiln in the folder, one build or the other of
# cgi_named, which answers "old /NAME" or "new /NAME".
old() {
    cp "$BATS_FILE_TMPDIR/old.kiln" "$DIR/$1.kiln"
}

new() {
    cp "$BATS_FILE_TMPDIR/new.kiln" "$DIR/$1.kiln"
}

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# wait_for SECONDS COMMAND...: COMMAND again every 50 ms until it
# succeeds; fails when SECONDS have passed first.
wait_for() {
    local deadline=$(($(now_ms) + $1 * 1000))
    shift
    until "$@"; do
        [ "$(now_ms)" -lt "$deadline" ] || return 1
        sleep 0.05
    done
}

# serve ARGS...: kiln serve on a free loopback port, as start_server,
# with time to open a folder of functions under emulation.
serve() {
    local deadline=$(($(now_ms) + SLOW * 1000))
    : >"$LOG" # before the sed below, which runs while kiln may not have opened it
    "$KILN" serve --listen 127.0.0.1:0 "$@" >"$LOG" 2>&1 3>&- &
    SERVER_PID=$!
    PORT=''
    while [ -z "$PORT" ]; do
        PORT=$(sed -n 's|^kiln: listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$LOG")
        [ -n "$PORT" ] && break
        if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$(now_ms)" -ge "$deadline" ]; then
            echo "kiln serve did not start:" >&2
            cat "$LOG" >&2
            return 1
        fi
        sleep 0.05
    done
}

# admin_listens: the log names the admin listener's port; sets ADMIN_PORT
admin_listens() {
    ADMIN_PORT=$(sed -n 's|^kiln: .*admin.*http://127.0.0.1:\([0-9]*\)/.*$|\1|p' "$LOG")
    [ -n "$ADMIN_PORT" ]
}

# serve_with_admin ARGS...: serve, with the admin listener on a free
# port, ADMIN_PORT
serve_with_admin() {
    serve --admin 127.0.0.1:0 "$@"
    wait_for "$SLOW" admin_listens || {
        echo "no admin listener's address in the log:" >&2
        cat "$LOG" >&2
        return 1
    }
}

# answers PATH TEXT: PATH answers 200 with the body TEXT
answers() {
    [ "$(fetch "$1")" = "$2" ] && [ "$(status)" = 200 ]
}

# answers_404 PATH
answers_404() {
    fetch "$1" >/dev/null
    [ "$(status)" = 404 ]
}

# stats: the admin listener's JSON
stats() {
    timeout 10 curl -sSf "http://127.0.0.1:$ADMIN_PORT/_kiln/stats"
}

# route_stat ROUTE FIELD: one figure of one route
route_stat() {
    stats | jq -er --arg route "$1" --arg field "$2" '.routes[] | select(.route == $route) | .[$field]'
}

# route_vms_are ROUTE N
route_vms_are() {
    [ "$(route_stat "$1" vms)" = "$2" ]
}

# port_free PORT: nothing listens on 127.0.0.1:PORT
port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# ask_in_a_loop PATH OUT: one request after another to PATH, each answer
# a line "STATUS BODY" in OUT, until the test stops.
ask_in_a_loop() {
    local body="$2.body" code
    while [ ! -e "$BATS_TEST_TMPDIR/stop" ]; do
        code=$(timeout 60 curl -sS -o "$body" -w '%{http_code}' "http://127.0.0.1:$PORT$1" 2>&1)
        printf '%s %s\n' "$code" "$(cat "$body" 2>/dev/null)" >>"$2"
        rm -f "$body"
    done
}

# count_lines FILE TEXT: how many lines of FILE are exactly TEXT
count_lines() {
    if [ -f "$1" ]; then
        grep -cxF -- "$2" "$1" || true
    else
        echo 0
    fi
}

# at_least N FILE TEXT
at_least() {
    [ "$(count_lines "$2" "$3")" -ge "$1" ]
}

# assert_switched_once OUT ROUTE: every answer in OUT was 200, "old" until
# the first "new", then only "new"; at least one of each.
assert_switched_once() {
    local out="$1" route="$2"
    awk -v old="200 old $route" -v new="200 new $route" '
        $0 != old && $0 != new { print "a failed or wrong answer: " $0; bad = 1; next }
        $0 == new { news++; next }
        news { print "an old answer after a new one"; bad = 1 }
        { olds++ }
        END { if (!olds || !news) { print olds + 0 " old, " news + 0 " new answers"; bad = 1 }
              exit bad }' "$out"
}

@test "kiln serve --help names --functions, --idle, --max-vms and --admin" {
    run -0 "$KILN" serve --help
    for option in --functions --idle --max-vms --admin; do
        grep -qe "^  $option" <<<"$output"
    done
}

@test "a folder of 50 functions all answer, each at /NAME" {
    for i in $(seq -w 50); do
        old "f$i"
    done
    serve --workers 1 --functions "$DIR"
    for i in $(seq -w 50); do
        answers "/f$i" "old /f$i"
    done
    answers_404 /f51
}

@test "kiln serve with --functions needs no --route" {
    old only
    serve --functions "$DIR"
    answers /only/deeper "old /only"
}

@test "a NAME.c in the folder is built and served at /NAME" {
    cp "$GUESTS/cgi_named.c" "$DIR/built.c"
    serve --functions "$DIR"
    answers /built "old /built"
}

@test "NAME.kiln beside NAME.c: the image wins" {
    cp "$GUESTS/cgi_named.c" "$DIR/both.c"
    new both
    serve --functions "$DIR"
    answers /both "new /both"
}

@test "functions are served next to --route's, and a --route of the same prefix wins" {
    old same
    old function
    serve --functions "$DIR" --route "/same=$BATS_FILE_TMPDIR/new.kiln" \
        --route "/explicit=$BATS_FILE_TMPDIR/new.kiln"
    answers /same "new /same"
    answers /explicit "new /explicit"
    answers /function "old /function"
}

@test "a --route of the same prefix wins over a function added while serving" {
    serve --functions "$DIR" --route "/same=$BATS_FILE_TMPDIR/new.kiln"
    old same
    old marker
    wait_for "$SLOW" answers /marker "old /marker"
    answers /same "new /same"
}

@test "a file added to the folder is served within a second" {
    serve --functions "$DIR"
    answers_404 /added
    local start
    start=$(now_ms)
    new added
    wait_for "$SLOW" answers /added "new /added"
    echo "seen after $(($(now_ms) - start)) ms"
    [ -n "$NESTED" ] || [ $(($(now_ms) - start)) -le 1000 ]
}

@test "a file moved into the folder is served within a second" {
    serve --functions "$DIR"
    cp "$BATS_FILE_TMPDIR/new.kiln" "$BATS_TEST_TMPDIR/moved.kiln"
    local start
    start=$(now_ms)
    mv "$BATS_TEST_TMPDIR/moved.kiln" "$DIR/moved.kiln"
    wait_for "$SLOW" answers /moved "new /moved"
    echo "seen after $(($(now_ms) - start)) ms"
    [ -n "$NESTED" ] || [ $(($(now_ms) - start)) -le 1000 ]
}

@test "a file changed in the folder is served within a second" {
    old changed
    serve --functions "$DIR"
    answers /changed "old /changed"
    local start
    start=$(now_ms)
    cp "$BATS_FILE_TMPDIR/new.kiln" "$DIR/.changed.tmp"
    mv "$DIR/.changed.tmp" "$DIR/changed.kiln"
    wait_for "$SLOW" answers /changed "new /changed"
    echo "seen after $(($(now_ms) - start)) ms"
    [ -n "$NESTED" ] || [ $(($(now_ms) - start)) -le 1000 ]
}

@test "a file removed from the folder stops being served within a second" {
    old removed
    old kept
    serve --functions "$DIR"
    answers /removed "old /removed"
    local start
    start=$(now_ms)
    rm "$DIR/removed.kiln"
    wait_for "$SLOW" answers_404 /removed
    echo "gone after $(($(now_ms) - start)) ms"
    [ -n "$NESTED" ] || [ $(($(now_ms) - start)) -le 1000 ]
    answers /kept "old /kept"
}

@test "a file moved out of the folder stops being served" {
    old leaving
    serve --functions "$DIR"
    answers /leaving "old /leaving"
    mv "$DIR/leaving.kiln" "$BATS_TEST_TMPDIR/"
    wait_for "$SECOND" answers_404 /leaving
}

@test "a NAME.c added to the folder is built and served; changed, it is built again" {
    serve --functions "$DIR"
    cp "$GUESTS/cgi_named.c" "$DIR/source.c"
    wait_for "$SLOW" answers /source "old /source"
    sed 's/^#define VERSION old$/#define VERSION new/' "$GUESTS/cgi_named.c" >"$DIR/source.c"
    wait_for "$SLOW" answers /source "new /source"
}

@test "no request fails while a function is replaced by mv" {
    old swapped
    serve --workers 2 --functions "$DIR"
    answers /swapped "old /swapped"
    ask_in_a_loop /swapped "$BATS_TEST_TMPDIR/one" 3>&- &
    BACKGROUND+=($!)
    ask_in_a_loop /swapped "$BATS_TEST_TMPDIR/two" 3>&- &
    BACKGROUND+=($!)
    wait_for "$SLOW" at_least 5 "$BATS_TEST_TMPDIR/one" "200 old /swapped"
    wait_for "$SLOW" at_least 5 "$BATS_TEST_TMPDIR/two" "200 old /swapped"
    cp "$BATS_FILE_TMPDIR/new.kiln" "$DIR/.swapped.kiln"
    mv "$DIR/.swapped.kiln" "$DIR/swapped.kiln"
    wait_for "$SLOW" at_least 20 "$BATS_TEST_TMPDIR/one" "200 new /swapped"
    wait_for "$SLOW" at_least 20 "$BATS_TEST_TMPDIR/two" "200 new /swapped"
    touch "$BATS_TEST_TMPDIR/stop"
    wait "${BACKGROUND[@]}"
    assert_switched_once "$BATS_TEST_TMPDIR/one" /swapped
    assert_switched_once "$BATS_TEST_TMPDIR/two" /swapped
}

@test "no request fails while a function is overwritten in place by cp" {
    old rewritten
    serve --workers 2 --functions "$DIR"
    answers /rewritten "old /rewritten"
    ask_in_a_loop /rewritten "$BATS_TEST_TMPDIR/one" 3>&- &
    BACKGROUND+=($!)
    ask_in_a_loop /rewritten "$BATS_TEST_TMPDIR/two" 3>&- &
    BACKGROUND+=($!)
    wait_for "$SLOW" at_least 5 "$BATS_TEST_TMPDIR/one" "200 old /rewritten"
    wait_for "$SLOW" at_least 5 "$BATS_TEST_TMPDIR/two" "200 old /rewritten"
    cp "$BATS_FILE_TMPDIR/new.kiln" "$DIR/rewritten.kiln"
    wait_for "$SLOW" at_least 20 "$BATS_TEST_TMPDIR/one" "200 new /rewritten"
    wait_for "$SLOW" at_least 20 "$BATS_TEST_TMPDIR/two" "200 new /rewritten"
    touch "$BATS_TEST_TMPDIR/stop"
    wait "${BACKGROUND[@]}"
    assert_switched_once "$BATS_TEST_TMPDIR/one" /rewritten
    assert_switched_once "$BATS_TEST_TMPDIR/two" /rewritten
}

@test "a removed function's request in flight finishes" {
    cp "$(guest cgi_answers)" "$DIR/slow.kiln"
    serve --functions "$DIR"
    timeout 60 curl -sS "http://127.0.0.1:$PORT/slow?slow" >"$BATS_TEST_TMPDIR/slow" 3>&- &
    local curl_pid=$!
    # Its VM is made for it once the route is found: the pool starts with none.
    wait_for "$SLOW" grep -q '^kiln: /slow: VM 1 made' "$LOG"
    rm "$DIR/slow.kiln"
    wait "$curl_pid"
    [ "$(cat "$BATS_TEST_TMPDIR/slow")" = slept ]
    wait_for "$SLOW" answers_404 /slow
}

@test "a file that fails to build or open is logged, and the rest are served" {
    printf 'int main(void) { return nonsense; }\n' >"$DIR/broken.c"
    printf 'not an image\n' >"$DIR/junk.kiln"
    head -c 4096 "$BATS_FILE_TMPDIR/old.kiln" >"$DIR/cut.kiln"
    old good
    serve --functions "$DIR"
    answers /good "old /good"
    answers_404 /broken
    answers_404 /junk
    answers_404 /cut
    grep -q 'broken\.c' "$LOG"
    grep -q 'junk\.kiln' "$LOG"
    grep -q 'cut\.kiln' "$LOG"
}

@test "a file that fails to open, added while serving, is logged and the rest still answer" {
    old good
    serve --functions "$DIR"
    printf 'not an image\n' >"$DIR/junk.kiln"
    wait_for "$SLOW" grep -q 'junk\.kiln' "$LOG"
    answers_404 /junk
    answers /good "old /good"
}

@test "a changed function that fails to open leaves the old one answering" {
    old fragile
    serve --functions "$DIR"
    answers /fragile "old /fragile"
    printf 'not an image\n' >"$DIR/.fragile.tmp"
    mv "$DIR/.fragile.tmp" "$DIR/fragile.kiln"
    wait_for "$SLOW" grep -q 'fragile\.kiln' "$LOG"
    answers /fragile "old /fragile"
}

@test "a name with a space, a dot-file and other kinds of file are ignored" {
    old "a b"
    old .hidden
    cp "$GUESTS/cgi_named.c" "$DIR/.secret.c"
    cp "$BATS_FILE_TMPDIR/old.kiln" "$DIR/notes.txt"
    old visible
    serve --functions "$DIR"
    answers /visible "old /visible"
    answers_404 /a%20b
    answers_404 /.hidden
    answers_404 /.secret
    answers_404 /notes
    answers_404 /notes.txt
    # Added while serving, too: once a later good one answers, the
    # ignored ones have been seen and left alone.
    old "c d"
    old .later
    old later
    wait_for "$SLOW" answers /later "old /later"
    answers_404 /c%20d
    answers_404 /.later
}

@test "--idle: a route with no traffic drops to zero VMs, and its next request answers" {
    old sleepy
    serve_with_admin --idle 1 --functions "$DIR"
    answers /sleepy "old /sleepy"
    [ "$(route_stat /sleepy cold_starts)" = 1 ]
    wait_for "$IDLE" route_vms_are /sleepy 0
    [ "$(stats | jq .vms)" = 0 ]
    answers /sleepy "old /sleepy"
    [ "$(route_stat /sleepy cold_starts)" = 2 ]
    [ "$(route_stat /sleepy requests)" = 2 ]
}

@test "--idle 0: a route keeps its VMs" {
    old awake
    serve_with_admin --idle 0 --functions "$DIR"
    answers /awake "old /awake"
    # What never happens has no event to wait for: over twice what
    # --idle 1 takes.
    sleep 2.5
    [ "$(route_stat /awake vms)" = 1 ]
    answers /awake "old /awake"
    [ "$(route_stat /awake cold_starts)" = 1 ]
}

@test "--max-vms 4 with 10 routes under load answers every request" {
    for i in $(seq -w 10); do
        old "r$i"
    done
    serve_with_admin --max-vms 4 --workers 2 --functions "$DIR"
    # The fleet's size while the requests run, a sample every 50 ms.
    (while [ ! -e "$BATS_TEST_TMPDIR/stop" ]; do
        stats | jq .vms >>"$BATS_TEST_TMPDIR/sizes"
        sleep 0.05
    done) 3>&- &
    BACKGROUND+=($!)
    seq 40 | xargs -P 10 -I{} sh -c \
        'n=$(printf %02d $(( {} % 10 + 1 )));
         timeout 120 curl -sS -o "'"$BATS_TEST_TMPDIR"'/{}.body" -w "%{http_code}" \
             "http://127.0.0.1:'"$PORT"'/r$n" >"'"$BATS_TEST_TMPDIR"'/{}.code"'
    touch "$BATS_TEST_TMPDIR/stop"
    wait "${BACKGROUND[@]}"
    local i n
    for i in $(seq 40); do
        n=$(printf %02d $((i % 10 + 1)))
        [ "$(cat "$BATS_TEST_TMPDIR/$i.code")" = 200 ] || {
            echo "request $i to /r$n: $(cat "$BATS_TEST_TMPDIR/$i.code")" >&2
            return 1
        }
        [ "$(cat "$BATS_TEST_TMPDIR/$i.body")" = "old /r$n" ]
    done
    [ "$(stats | jq .max_vms)" = 4 ]
    [ "$(stats | jq .vms)" -le 4 ]
    [ "$(stats | jq '[.routes[].vms] | max')" -le 2 ]
    [ "$(stats | jq '[.routes[].requests] | add')" = 40 ]
    [ -s "$BATS_TEST_TMPDIR/sizes" ]
    echo "VMs alive while the requests ran (count, VMs):"
    sort -n "$BATS_TEST_TMPDIR/sizes" | uniq -c
    [ "$(sort -n "$BATS_TEST_TMPDIR/sizes" | tail -n 1)" -le 4 ]
}

@test "at --max-vms a new route's VM takes the place of the least recently used idle one" {
    old a
    old b
    old c
    serve_with_admin --max-vms 2 --workers 1 --functions "$DIR"
    answers /a "old /a"
    answers /b "old /b"
    answers /c "old /c"
    [ "$(stats | jq .vms)" = 2 ]
    route_vms_are /a 0
    route_vms_are /b 1
    route_vms_are /c 1
    answers /b "old /b"
    answers /a "old /a"
    route_vms_are /c 0
    route_vms_are /b 1
    route_vms_are /a 1
}

@test "a burst on one route grows its pool up to --workers" {
    cp "$(guest cgi_answers)" "$DIR/burst.kiln"
    serve_with_admin --max-vms 8 --workers 3 --functions "$DIR"
    local loop
    for loop in 1 2 3 4 5 6; do
        ask_in_a_loop '/burst?slow' "$BATS_TEST_TMPDIR/burst$loop" 3>&- &
        BACKGROUND+=($!)
    done
    # The route's size while the burst goes on, a sample every 50 ms.
    (while [ ! -e "$BATS_TEST_TMPDIR/stop" ]; do
        route_stat /burst vms >>"$BATS_TEST_TMPDIR/sizes"
        sleep 0.05
    done) 3>&- &
    BACKGROUND+=($!)
    wait_for "$SLOW" route_vms_are /burst 3
    wait_for "$SLOW" at_least 2 "$BATS_TEST_TMPDIR/burst6" "200 slept"
    touch "$BATS_TEST_TMPDIR/stop"
    wait "${BACKGROUND[@]}"
    if grep -vxF "200 slept" "$BATS_TEST_TMPDIR"/burst?; then
        echo "a request of the burst failed" >&2
        return 1
    fi
    echo "the route's VMs while the burst went on (count, VMs):"
    sort -n "$BATS_TEST_TMPDIR/sizes" | uniq -c
    [ "$(sort -n "$BATS_TEST_TMPDIR/sizes" | tail -n 1)" -le 3 ]
    route_vms_are /burst 3
    [ "$(route_stat /burst cold_starts)" = 3 ]
}

@test "a busy route never starves another route of its first VM" {
    cp "$(guest cgi_answers)" "$DIR/busy.kiln"
    old quiet
    serve_with_admin --max-vms 2 --workers 2 --functions "$DIR"
    local loop
    for loop in 1 2 3 4; do
        ask_in_a_loop '/busy?slow' "$BATS_TEST_TMPDIR/busy$loop" 3>&- &
        BACKGROUND+=($!)
    done
    wait_for "$SLOW" route_vms_are /busy 2
    local start
    start=$(now_ms)
    run -0 timeout "$SLOW" curl -sS "http://127.0.0.1:$PORT/quiet"
    [ "$output" = "old /quiet" ]
    echo "answered after $(($(now_ms) - start)) ms"
    [ "$(stats | jq .vms)" -le 2 ]
}

@test "the admin listener's figures match the requests sent" {
    old a
    serve_with_admin --functions "$DIR" --route "/b=$BATS_FILE_TMPDIR/new.kiln"
    for _ in $(seq 7); do
        answers /a "old /a"
    done
    for _ in $(seq 3); do
        answers /b/x "new /b"
    done
    local json
    json=$(stats)
    echo "$json"
    jq -e '.max_vms > 0 and (.routes | length) == 2' <<<"$json"
    jq -e '.vms == ([.routes[].vms] | add)' <<<"$json"
    jq -e --arg dir "$DIR" '.routes[] | select(.route == "/a")
        | .from_functions == true and .target == ($dir + "/a.kiln") and .requests == 7' <<<"$json"
    jq -e --arg image "$BATS_FILE_TMPDIR/new.kiln" '.routes[] | select(.route == "/b")
        | .from_functions == false and .target == $image and .requests == 3' <<<"$json"
    jq -e '.routes[] | .vms >= 1 and .p50_us > 0 and .p99_us >= .p50_us
        and .cold_starts >= 1 and .rebuilds == 0
        and .resets >= .requests - .cold_starts and .reset_us_avg > 0 and .reset_pages_avg > 0
        and .private_bytes_per_vm > 0 and .private_bytes >= .private_bytes_per_vm
        and .shared_bytes > 0' <<<"$json"
}

@test "a crashed request counts as a rebuild in the admin figures" {
    cp "$(guest cgi_answers)" "$DIR/crashy.kiln"
    serve_with_admin --functions "$DIR"
    fetch '/crashy?crash' >/dev/null
    [ "$(status)" = 502 ]
    run -0 fetch '/crashy?created'
    [ "$(status)" = 201 ]
    [ "$(route_stat /crashy requests)" = 2 ]
    [ "$(route_stat /crashy rebuilds)" = 1 ]
}

@test "the admin listener answers only GET /_kiln/stats: other paths 404, other methods 405" {
    old a
    serve_with_admin --functions "$DIR"
    local admin="http://127.0.0.1:$ADMIN_PORT"
    run -0 timeout 10 curl -sS -o /dev/null -w '%{http_code} %{content_type}' "$admin/_kiln/stats"
    [[ "$output" == "200 application/json"* ]]
    run -0 timeout 10 curl -sS -o /dev/null -w '%{http_code}' "$admin/_kiln/other"
    [ "$output" = 404 ]
    run -0 timeout 10 curl -sS -o /dev/null -w '%{http_code}' "$admin/a"
    [ "$output" = 404 ]
    run -0 timeout 10 curl -sS -o /dev/null -w '%{http_code}' -X POST "$admin/_kiln/stats"
    [ "$output" = 405 ]
    run -0 timeout 10 curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$admin/_kiln/stats"
    [ "$output" = 405 ]
}

@test "/_kiln/stats on the public listener is a route lookup: 404 without a route" {
    old a
    serve_with_admin --functions "$DIR"
    answers_404 /_kiln/stats
}

@test "/_kiln/stats on the public listener is a route lookup: the / route answers it" {
    serve_with_admin --route "/=$BATS_FILE_TMPDIR/old.kiln"
    answers /_kiln/stats "old "
}

@test "--functions on a missing folder exits non-zero with one line" {
    run --separate-stderr timeout 10 "$KILN" serve --listen 127.0.0.1:0 \
        --functions "$BATS_TEST_TMPDIR/missing"
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ]
    assert_not_signaled
    assert_one_stderr_line
    [[ "$stderr" == "kiln: "*"$BATS_TEST_TMPDIR/missing"* ]]
}

@test "--functions on a file exits non-zero with one line" {
    run --separate-stderr timeout 10 "$KILN" serve --listen 127.0.0.1:0 \
        --functions "$BATS_FILE_TMPDIR/old.kiln"
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ]
    assert_not_signaled
    assert_one_stderr_line
    [[ "$stderr" == "kiln: "*"$BATS_FILE_TMPDIR/old.kiln"* ]]
}

@test "--admin at the --listen address is refused" {
    local port
    port=$((20000 + RANDOM % 20000))
    while ! port_free "$port"; do
        port=$((port + 1))
    done
    old a
    run --separate-stderr timeout 10 "$KILN" serve --listen "127.0.0.1:$port" \
        --admin "127.0.0.1:$port" --functions "$DIR"
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ]
    assert_not_signaled
    assert_one_stderr_line
    [[ "$stderr" == "kiln: "*"--admin"* ]]
    [[ "$stderr" != *"unknown option"* ]]
}

@test "--max-vms 0 is refused" {
    old a
    run --separate-stderr timeout 10 "$KILN" serve --listen 127.0.0.1:0 --max-vms 0 \
        --functions "$DIR"
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ]
    assert_not_signaled
    assert_one_stderr_line
    [[ "$stderr" == "kiln: "*"--max-vms"* ]]
    [[ "$stderr" != *"unknown option"* ]]
}

@test "--idle that is not a number of seconds is refused" {
    old a
    run --separate-stderr timeout 10 "$KILN" serve --listen 127.0.0.1:0 --idle soon \
        --functions "$DIR"
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ]
    assert_not_signaled
    assert_one_stderr_line
    [[ "$stderr" == "kiln: "*"--idle"* ]]
    [[ "$stderr" != *"unknown option"* ]]
}
