# Threads on the VM's one vCPU: pthreads as musl makes them (clone, futex,
# set_tid_address), taking turns by blocking and by the scheduler's time
# slice.  Each guest prints the same lines natively (musl-gcc -static
# -pthread); these are those lines.  --timeout 20 turns a runtime that
# hangs into a failure instead of a stuck test run.

load helpers

setup_file() {
    for name in threads_tls threads_deadlock \
        epoll_threads futex_pingpong; do
        build_guest "$name"
    done
}

@test "__thread variables start fresh in each thread and stay its own" {
    run_guest threads_tls tls
    assert_output "__thread: 4 of 4 threads saw their own values, main kept 7"
}

@test "pthread_key values are per thread and their destructors run at thread exit" {
    run_guest threads_tls keys
    assert_output "pthread_key: destructors ran with values summing to 10"
}

@test "pthread_join gives what the thread returned or passed to pthread_exit" {
    run_guest threads_tls join
    assert_output "pthread_join: return values sum to 70"
}

@test "detached threads run and exit with nobody joining them" {
    run_guest threads_tls detached
    assert_output "detached: 4 threads posted, semaphore back to 0"
}

@test "an rwlock lets readers in together and never beside a writer" {
    run_guest threads_tls rwlock
    assert_output "rwlock: 4000 writes, 0 torn reads, two readers at once yes, writer refused yes"
}

@test "a barrier lets nobody through before everyone arrived" {
    run_guest threads_tls barrier
    assert_output "barrier: 3 rounds, 12 of 12 passes saw everyone arrive, 3 serial threads"
}

@test "a semaphore hands out its count, then EAGAIN, and sem_timedwait times out" {
    run_guest threads_tls semaphore
    assert_output "sem_t: 1000 tokens taken, then EAGAIN yes, sem_timedwait ETIMEDOUT yes"
}

@test "pthread_once runs its routine once however many threads race" {
    run_guest threads_tls once
    assert_output "pthread_once: routine ran 1 time(s), every caller returned after it yes"
}

@test "pthread_cancel ends a thread blocked in read, pthread_cond_wait or sleep" {
    run_guest threads_tls cancel
    assert_output "$(printf '%s\n' \
        "pthread_cancel in read of an empty pipe: join gave PTHREAD_CANCELED, cleanup ran 1 time(s)" \
        "pthread_cancel in pthread_cond_wait: join gave PTHREAD_CANCELED, cleanup ran 1 time(s)" \
        "pthread_cancel in sleep: join gave PTHREAD_CANCELED, cleanup ran 1 time(s)")"
}

@test "each thread has its own pthread_self and gettid; main's tid is the pid" {
    run_guest threads_tls ids
    assert_output "ids: 5 of 5 threads have their own pthread_self and gettid, main's tid is the pid yes, create's handle is the thread's pthread_self yes"
}

@test "every pthreads case at once, in one process" {
    run_guest threads_tls
    [ "${#lines[@]}" -eq 12 ]
}

@test "a deadlock ends the run: exit 125 and one line naming each thread's futex" {
    run --separate-stderr "$KILN" run --timeout 10 "$(guest threads_deadlock)" </dev/null
    printf 'exit %s\nstdout:\n%s\nstderr:\n%s\n' "$status" "$output" "$stderr" >&2
    [ "$status" -eq 125 ]
    assert_one_stderr_line
    [[ "$stderr" == "kiln: "*"deadlock"* ]]
    # main waits in pthread_join, the two others in pthread_mutex_lock
    [ "$(grep -o futex <<<"$stderr" | wc -l)" -ge 3 ]
    assert_output "two threads, two mutexes, opposite orders"
}

@test "one epoll loop reads two pipes fed by two threads until both close" {
    run_guest epoll_threads
    assert_output "$(printf '%s\n' \
        "pipe 0: 1000 messages, 0 out of order, numbers sum to 499500" \
        "pipe 1: 1000 messages, 0 out of order, numbers sum to 499500")"
}

@test "two threads ping-pong through futexes and count every pass" {
    run_guest futex_pingpong 1000
    grep -qxE '1000 round trips in [0-9]+ us \([0-9]+ per second\)' <<<"$output"
}
