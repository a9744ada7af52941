# Signals at ring 3: handlers for the program's own faults, timers that
# interrupt a loop making no system call, masks, pending sets and the
# calls that wait for signals.  Each guest prints the same lines natively
# (musl-gcc -static); these are those lines.  --timeout 20 turns a runtime
# that never delivers into a failure instead of a stuck test run.

load helpers

setup_file() {
    for name in signals_segv signals_fpe signals_alarm selfpipe signal_rate; do
        build_guest "$name"
    done
}

@test "a read through NULL reaches the SIGSEGV handler with si_addr 0, and siglongjmp goes on" {
    run_guest signals_segv
    assert_line_in "$output" "read through NULL: caught signal 11 (SIGSEGV), SEGV_MAPERR, si_addr 0"
}

@test "a second fault reaches the same handler after siglongjmp restored the mask" {
    run_guest signals_segv
    assert_line_in "$output" "write to address 16: caught signal 11 (SIGSEGV), SEGV_MAPERR, si_addr 0x10"
}

@test "a stack overflow's SIGSEGV handler runs on the sigaltstack" {
    run_guest signals_segv
    assert_line_in "$output" "stack overflow: caught signal 11 (SIGSEGV), handler ran on the alternate stack: yes"
    assert_line_in "$output" "after the jump the alternate stack is free again"
    assert_line_in "$output" "3 faults caught, the program goes on"
}

@test "integer division by zero and INT_MIN / -1 reach the SIGFPE handler as FPE_INTDIV" {
    run_guest signals_fpe
    assert_output "$(printf '%s\n' \
        "7 / 0: caught signal 8 (SIGFPE), FPE_INTDIV, si_addr the faulting instruction" \
        "INT_MIN / -1: caught signal 8 (SIGFPE), FPE_INTDIV, si_addr the faulting instruction" \
        "7 / 2 = 3" \
        "2 faults caught, the program goes on")"
}

@test "alarm(1) interrupts a loop that makes no system call" {
    run_guest signals_alarm alarm
    assert_output "alarm(1): handler ran inside a busy loop, after at least 1 s yes"
}

@test "setitimer(ITIMER_REAL) ticks every 50 ms and never early" {
    run_guest signals_alarm setitimer
    assert_output "setitimer(ITIMER_REAL, 50 ms): 5 ticks, none early yes"
}

@test "a timer_create timer fires its signal once, with SI_TIMER and its value" {
    run_guest signals_alarm timer_create
    assert_output "timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL) 100 ms: fired 1 time(s), not early yes, si_code SI_TIMER yes, sival_int 42"
}

@test "raise runs the handler before it returns" {
    run_guest signals_alarm raise
    assert_output "raise(SIGUSR1): handler ran before raise returned yes"
}

@test "a blocked signal stays pending until sigprocmask unblocks it" {
    run_guest signals_alarm pending
    assert_output "blocked SIGUSR1: handler held back yes, sigpending shows it yes, ran once on unblock yes, no longer pending yes"
}

@test "sigsuspend waits with its mask, runs the handler, returns EINTR and puts the mask back" {
    run_guest signals_alarm sigsuspend
    assert_output "sigsuspend: returned -1 EINTR yes after the handler ran yes, old mask back yes"
}

@test "sigtimedwait takes a pending signal without its handler, or times out with EAGAIN" {
    run_guest signals_alarm sigtimedwait
    assert_output "$(printf '%s\n' \
        "sigtimedwait with SIGUSR2 pending: returned SIGUSR2, si_code SI_TKILL yes, handler skipped yes" \
        "sigtimedwait with nothing pending: -1 EAGAIN yes after 30 ms yes")"
}

@test "a signal cuts nanosleep short with EINTR and the time left" {
    run_guest signals_alarm nanosleep
    assert_output "nanosleep(1 s) cut by SIGALRM at 50 ms: -1 EINTR yes, handler ran yes, time left between 0.5 s and 0.951 s yes"
}

@test "every signal case at once, in one process" {
    run_guest signals_alarm
    [ "${#lines[@]}" -eq 9 ]
}

@test "a SIGALRM handler's write to a pipe wakes poll blocked without a timeout" {
    run_guest selfpipe
    assert_output "$(printf '%s\n' woke woke woke)"
}

@test "raise delivers every signal to a handler that counts them" {
    run_guest signal_rate 1000
    grep -qxE '1000 signals in [0-9]+ us \([0-9]+ per second\)' <<<"$output"
}
