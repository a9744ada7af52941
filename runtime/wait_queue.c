#include "wait_queue.h"

void wait_queue_push(struct wait_queue *queue, struct thread *thread)
{
    thread->next = 0;
    if (queue->last)
        queue->last->next = thread;
    else
        queue->first = thread;
    queue->last = thread;
}

struct thread *wait_queue_pop(struct wait_queue *queue)
{
    struct thread *thread = queue->first;
    if (!thread)
        return 0;
    queue->first = thread->next;
    if (!queue->first)
        queue->last = 0;
    thread->next = 0;
    return thread;
}

void wait_queue_remove(struct wait_queue *queue, struct thread *thread)
{
    struct thread *before = 0;
    for (struct thread *t = queue->first; t; before = t, t = t->next) {
        if (t != thread)
            continue;
        if (before)
            before->next = t->next;
        else
            queue->first = t->next;
        if (queue->last == t)
            queue->last = before;
        t->next = 0;
        return;
    }
}

unsigned wait_queue_wake_futex(struct wait_queue *queue, uint64_t addr, unsigned count,
                               uint32_t bitset, void (*wake)(struct thread *thread))
{
    unsigned woken = 0;
    struct thread *t = queue->first;
    while (t && woken < count) {
        struct thread *next = t->next;
        if (t->futex_addr == addr && (t->futex_bitset & bitset)) {
            wake(t);
            woken++;
        }
        t = next;
    }
    return woken;
}

unsigned wait_queue_requeue_futex(struct wait_queue *queue, uint64_t addr, uint64_t to,
                                  unsigned count)
{
    unsigned moved = 0;
    for (struct thread *t = queue->first; t && moved < count; t = t->next)
        if (t->futex_addr == addr) {
            t->futex_addr = to;
            t->what_addr = to;
            moved++;
        }
    return moved;
}
