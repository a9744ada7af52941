/* The scheduler's thread queues and the futex waits on them, with no VM:
 * threads here are records that never run. */
#include <criterion/criterion.h>
#include <string.h>

#include "runtime/wait_queue.h"

static struct thread threads[4];
static struct wait_queue queue;
static struct thread *woken[4];
static unsigned woken_count;

static void reset(void)
{
    memset(threads, 0, sizeof threads);
    queue = (struct wait_queue){0};
    woken_count = 0;
}

TestSuite(wait_queue, .init = reset);

static void record_wake(struct thread *thread)
{
    woken[woken_count++] = thread;
    wait_queue_remove(&queue, thread);
}

static void wait_on(struct thread *thread, uint64_t addr, uint32_t bitset)
{
    thread->futex_addr = addr;
    thread->futex_bitset = bitset;
    wait_queue_push(&queue, thread);
}

Test(wait_queue, first_come_first_served)
{
    for (int i = 0; i < 3; i++)
        wait_queue_push(&queue, &threads[i]);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(wait_queue_pop(&queue), &threads[i]);
    cr_assert_null(wait_queue_pop(&queue));
    cr_assert_null(queue.last);
}

Test(wait_queue, remove_from_the_middle_and_the_end)
{
    for (int i = 0; i < 4; i++)
        wait_queue_push(&queue, &threads[i]);
    wait_queue_remove(&queue, &threads[1]);
    wait_queue_remove(&queue, &threads[3]);
    cr_assert_eq(queue.last, &threads[2]);
    wait_queue_push(&queue, &threads[3]);
    cr_assert_eq(wait_queue_pop(&queue), &threads[0]);
    cr_assert_eq(wait_queue_pop(&queue), &threads[2]);
    cr_assert_eq(wait_queue_pop(&queue), &threads[3]);
    cr_assert_null(wait_queue_pop(&queue));
}

Test(wait_queue, removing_a_thread_not_there_changes_nothing)
{
    wait_queue_push(&queue, &threads[0]);
    wait_queue_remove(&queue, &threads[1]);
    cr_assert_eq(queue.first, &threads[0]);
    cr_assert_eq(queue.last, &threads[0]);
}

Test(wait_queue, futex_wake_takes_only_that_address_in_order)
{
    wait_on(&threads[0], 0x1000, ~0u);
    wait_on(&threads[1], 0x2000, ~0u);
    wait_on(&threads[2], 0x1000, ~0u);
    wait_on(&threads[3], 0x1000, ~0u);
    cr_assert_eq(wait_queue_wake_futex(&queue, 0x1000, 2, ~0u, record_wake), 2);
    cr_assert_eq(woken[0], &threads[0]);
    cr_assert_eq(woken[1], &threads[2]);
    cr_assert_eq(queue.first, &threads[1]);
    cr_assert_eq(queue.last, &threads[3]);
}

Test(wait_queue, futex_wake_bitset_skips_waiters_of_other_bits)
{
    wait_on(&threads[0], 0x1000, 0x1);
    wait_on(&threads[1], 0x1000, 0x2);
    wait_on(&threads[2], 0x1000, 0x3);
    cr_assert_eq(wait_queue_wake_futex(&queue, 0x1000, 10, 0x2, record_wake), 2);
    cr_assert_eq(woken[0], &threads[1]);
    cr_assert_eq(woken[1], &threads[2]);
    cr_assert_eq(queue.first, &threads[0]);
}

Test(wait_queue, futex_wake_of_no_waiter_is_zero)
{
    wait_on(&threads[0], 0x1000, ~0u);
    cr_assert_eq(wait_queue_wake_futex(&queue, 0x3000, 1, ~0u, record_wake), 0);
    cr_assert_eq(wait_queue_wake_futex(&queue, 0x1000, 0, ~0u, record_wake), 0);
}

Test(wait_queue, requeue_moves_up_to_count_then_a_wake_of_the_target_finds_them)
{
    for (int i = 0; i < 3; i++)
        wait_on(&threads[i], 0x1000, ~0u);
    cr_assert_eq(wait_queue_requeue_futex(&queue, 0x1000, 0x2000, 2), 2);
    cr_assert_eq(threads[2].futex_addr, 0x1000);
    cr_assert_eq(threads[0].what_addr, 0x2000);
    cr_assert_eq(wait_queue_wake_futex(&queue, 0x2000, 10, ~0u, record_wake), 2);
    cr_assert_eq(wait_queue_wake_futex(&queue, 0x1000, 10, ~0u, record_wake), 1);
    cr_assert_null(queue.first);
}
