#define _GNU_SOURCE
#include "epoll.h"
#include "files.h"
#include "poll.h"
#include "sched.h"
#include "user_range.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/epoll.h>

/* What an item's events say about reporting, not what to report:
 * Linux's EP_PRIVATE_BITS. */
#define FLAG_BITS (EPOLLET | EPOLLONESHOT | EPOLLWAKEUP | EPOLLEXCLUSIVE)
/* What EPOLLEXCLUSIVE may come with: Linux's EPOLLEXCLUSIVE_OK_BITS. */
#define EXCLUSIVE_OK (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | (FLAG_BITS & ~EPOLLONESHOT))
/* Linux's EP_MAX_NESTS: a set, and at most four levels of sets in it. */
#define NESTING_MAX 5
#define EVENTS_MAX  (INT_MAX / sizeof(struct epoll_event))

struct epoll_item {
    struct epoll_item *next;         /* in its set */
    struct epoll_item *next_watcher; /* of the same file, in any set */
    struct open_file *set;
    struct open_file *file;
    int fd;
    uint32_t events; /* with EPOLLERR, EPOLLHUP; a fired EPOLLONESHOT leaves FLAG_BITS */
    uint64_t data;
    uint32_t seen; /* the file's changes when it was last reported (EPOLLET) */
    bool fresh;    /* added or modified since: reported without a change */
};

static const struct file_ops epoll_ops;

static bool is_set(const struct open_file *file)
{
    return file->ops == &epoll_ops;
}

static void item_remove(struct epoll_item *item)
{
    struct epoll_item **link = &item->set->items;

    while (*link != item)
        link = &(*link)->next;
    *link = item->next;
    link = &item->file->watchers;
    while (*link != item)
        link = &(*link)->next_watcher;
    *link = item->next_watcher;
    fs_free(&kiln_fs()->heap, item, sizeof *item);
}

void epoll_forget(struct open_file *file)
{
    while (file->watchers)
        item_remove(file->watchers);
}

/* What item would report now, or 0: EPOLLET wants news since it last
 * reported. */
static uint32_t item_ready(const struct epoll_item *item, struct poll_look *look)
{
    uint32_t wanted = item->events & ~(uint32_t)FLAG_BITS;

    look->changes = 0;
    if (!wanted)
        return 0;
    uint32_t ready = poll_file(item->file, wanted, look);
    if ((item->events & EPOLLET) && !item->fresh && look->changes == item->seen)
        return 0;
    return ready;
}

/* A set in a set (or in poll) is readable when an item would report. */
static uint32_t set_poll(struct open_file *set, uint32_t wanted, struct poll_look *look)
{
    uint32_t changes = 0;
    bool ready = false;

    (void)wanted;
    for (struct epoll_item *item = set->items; item; item = item->next) {
        ready |= item_ready(item, look) != 0;
        changes += look->changes;
    }
    look->changes = changes;
    return ready ? POLLIN | POLLRDNORM : 0;
}

static void set_release(struct open_file *set)
{
    while (set->items)
        item_remove(set->items);
    open_file_free(set);
}

static const struct file_ops epoll_ops = {
    .stat = open_file_anon_stat,
    .poll = set_poll,
    .release = set_release,
};

static long set_make(uint32_t flags)
{
    if (!fd_room())
        return -EMFILE;
    struct open_file *set = open_file_new(&epoll_ops, O_RDWR);
    return set ? fd_install(set, 0, flags & EPOLL_CLOEXEC) : -ENOMEM;
}

/* size is a hint Linux ignores, once it is positive. */
long kiln_sys_epoll_create(const struct syscall_args *args)
{
    return (int)args->arg1 <= 0 ? -EINVAL : set_make(0);
}

long kiln_sys_epoll_create1(const struct syscall_args *args)
{
    uint32_t flags = (uint32_t)args->arg1;
    return flags & ~(uint32_t)EPOLL_CLOEXEC ? -EINVAL : set_make(flags);
}

/* How many sets deep file goes: 0 for a file that is not a set. */
static int depth_below(const struct open_file *file)
{
    int depth = 0;

    if (!is_set(file))
        return 0;
    for (const struct epoll_item *item = file->items; item; item = item->next) {
        int below = depth_below(item->file);
        depth = below > depth ? below : depth;
    }
    return depth + 1;
}

/* How many sets deep set lies, itself included. */
static int depth_above(const struct open_file *set)
{
    int depth = 0;

    for (const struct epoll_item *item = set->watchers; item; item = item->next_watcher) {
        int above = depth_above(item->set);
        depth = above > depth ? above : depth;
    }
    return depth + 1;
}

static bool reaches(const struct open_file *from, const struct open_file *to)
{
    if (from == to)
        return true;
    for (const struct epoll_item *item = from->items; item; item = item->next)
        if (is_set(item->file) && reaches(item->file, to))
            return true;
    return false;
}

/* Putting a set in set must not close a loop nor nest too deep (ELOOP):
 * that keeps every walk over nested sets finite and short. */
static bool nesting_refused(const struct open_file *set, const struct open_file *file)
{
    return is_set(file) &&
           (reaches(file, set) || depth_above(set) + depth_below(file) > NESTING_MAX);
}

static struct epoll_item *item_find(const struct open_file *set, const struct open_file *file,
                                    int fd)
{
    struct epoll_item *item = set->items;

    while (item && (item->file != file || item->fd != fd))
        item = item->next;
    return item;
}

/* Linux always watches EPOLLERR and EPOLLHUP.  A ready file is reported
 * at the next wait even under EPOLLET. */
static void item_arm(struct epoll_item *item, const struct epoll_event *event)
{
    item->events = event->events | EPOLLERR | EPOLLHUP;
    item->data = event->data.u64;
    item->fresh = true;
    sched_wake(&io_changed, SCHED_WAKE_ALL);
}

static long item_add(struct open_file *set, struct open_file *file, int fd,
                     const struct epoll_event *event)
{
    struct epoll_item *item = fs_alloc(&kiln_fs()->heap, sizeof *item);
    struct epoll_item **link = &set->items;

    if (!item)
        return -ENOMEM;
    *item = (struct epoll_item){.set = set, .file = file, .fd = fd, .next_watcher = file->watchers};
    file->watchers = item;
    while (*link)
        link = &(*link)->next;
    *link = item;
    item_arm(item, event);
    return 0;
}

static bool exclusive_refused(int op, const struct open_file *file, uint32_t events)
{
    return (events & EPOLLEXCLUSIVE) &&
           (op == EPOLL_CTL_MOD || is_set(file) || (events & ~(uint32_t)EXCLUSIVE_OK));
}

/* The checks come in Linux's order. */
long kiln_sys_epoll_ctl(const struct syscall_args *args)
{
    int op = (int)args->arg2, fd = (int)args->arg3;
    const struct epoll_event *user = (const struct epoll_event *)(uintptr_t)args->arg4;
    struct epoll_event event = {0};

    if (op != EPOLL_CTL_DEL) {
        if (!user_range_ok(user, sizeof *user))
            return -EFAULT;
        event = *user;
    }
    struct open_file *set = fd_file((int)args->arg1), *file = fd_file(fd);
    if (!set || !file)
        return -EBADF;
    if (!file->ops->poll)
        return -EPERM;
    if (set == file || !is_set(set) || exclusive_refused(op, file, event.events))
        return -EINVAL;
    if (op == EPOLL_CTL_ADD && nesting_refused(set, file))
        return -ELOOP;
    struct epoll_item *item = item_find(set, file, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        return item ? -EEXIST : item_add(set, file, fd, &event);
    case EPOLL_CTL_MOD:
        if (!item)
            return -ENOENT;
        if (item->events & EPOLLEXCLUSIVE)
            return -EINVAL;
        item_arm(item, &event);
        return 0;
    case EPOLL_CTL_DEL:
        if (!item)
            return -ENOENT;
        item_remove(item);
        return 0;
    default:
        return -EINVAL;
    }
}

struct wait_call {
    struct open_file *set;
    struct epoll_event *events;
    int max;
};

/* Reported items move to the back, so that with more ready than max
 * the next wait reports the others first, as Linux's ready list does. */
static long set_look(void *context, struct poll_look *look)
{
    struct wait_call *call = context;
    struct epoll_item **link = &call->set->items, *reported = NULL, **reported_end = &reported;
    int count = 0;

    while (*link && count < call->max) {
        struct epoll_item *item = *link;
        uint32_t ready = item_ready(item, look);
        if (!ready) {
            link = &item->next;
            continue;
        }
        call->events[count++] = (struct epoll_event){.events = ready, .data.u64 = item->data};
        item->seen = look->changes;
        item->fresh = false;
        if (item->events & EPOLLONESHOT)
            item->events &= FLAG_BITS;
        *link = item->next;
        item->next = NULL;
        *reported_end = item;
        reported_end = &item->next;
    }
    while (*link)
        link = &(*link)->next;
    *link = reported;
    return count;
}

static long wait_on(const struct syscall_args *args, int64_t deadline_ns, const uint64_t *mask)
{
    struct wait_call call = {
        .events = (struct epoll_event *)(uintptr_t)args->arg2,
        .max = (int)args->arg3,
    };

    if (call.max <= 0 || (uint64_t)call.max > EVENTS_MAX)
        return -EINVAL;
    if (!user_range_ok(call.events, (uint64_t)call.max * sizeof *call.events))
        return -EFAULT;
    call.set = fd_file((int)args->arg1);
    if (!call.set)
        return -EBADF;
    if (!is_set(call.set))
        return -EINVAL;
    return poll_until(set_look, &call, deadline_ns, mask, "epoll_wait");
}

long kiln_sys_epoll_wait(const struct syscall_args *args)
{
    return wait_on(args, poll_deadline_ms((int)args->arg4), NULL);
}

/* The mask (arg5, of arg6 bytes; NULL: none) and the deadline come
 * first, as on Linux. */
static long wait_masked(const struct syscall_args *args, int64_t deadline_ns)
{
    const void *user_mask = (const void *)(uintptr_t)args->arg5;
    uint64_t mask;

    long err = user_mask ? poll_mask_copy(user_mask, args->arg6, &mask) : 0;
    return err ? err : wait_on(args, deadline_ns, user_mask ? &mask : NULL);
}

long kiln_sys_epoll_pwait(const struct syscall_args *args)
{
    return wait_masked(args, poll_deadline_ms((int)args->arg4));
}

long kiln_sys_epoll_pwait2(const struct syscall_args *args)
{
    int64_t deadline_ns;

    long err = poll_deadline_of((const struct timespec *)(uintptr_t)args->arg4, &deadline_ns);
    return err ? err : wait_masked(args, deadline_ns);
}
