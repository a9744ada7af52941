/* A producer and a consumer pass 10,000 items in order through a bounded
 * buffer of 16, waiting on condition variables when it is full or empty. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define ITEMS    10000
#define CAPACITY 16

struct buffer {
    pthread_mutex_t lock;
    pthread_cond_t not_full;
    pthread_cond_t not_empty;
    uint32_t items[CAPACITY];
    unsigned head, count;
};

/* The n-th item: a value that differs from its neighbours. */
static uint32_t item(uint32_t n)
{
    return n * 2654435761u;
}

static void *produce(void *arg)
{
    struct buffer *b = arg;
    for (uint32_t n = 0; n < ITEMS; n++) {
        pthread_mutex_lock(&b->lock);
        while (b->count == CAPACITY)
            pthread_cond_wait(&b->not_full, &b->lock);
        b->items[(b->head + b->count) % CAPACITY] = item(n);
        b->count++;
        pthread_cond_signal(&b->not_empty);
        pthread_mutex_unlock(&b->lock);
    }
    return NULL;
}

struct consumed {
    struct buffer *buffer;
    unsigned count, out_of_order;
    uint64_t checksum; /* FNV-1a over the items in the order they came */
};

static void *consume(void *arg)
{
    struct consumed *c = arg;
    struct buffer *b = c->buffer;
    c->checksum = 14695981039346656037ull;
    for (uint32_t n = 0; n < ITEMS; n++) {
        pthread_mutex_lock(&b->lock);
        while (b->count == 0)
            pthread_cond_wait(&b->not_empty, &b->lock);
        uint32_t value = b->items[b->head];
        b->head = (b->head + 1) % CAPACITY;
        b->count--;
        pthread_cond_signal(&b->not_full);
        pthread_mutex_unlock(&b->lock);
        c->count++;
        c->out_of_order += value != item(n);
        c->checksum = (c->checksum ^ value) * 1099511628211ull;
    }
    return NULL;
}

int main(void)
{
    struct buffer buffer = {
        .lock = PTHREAD_MUTEX_INITIALIZER,
        .not_full = PTHREAD_COND_INITIALIZER,
        .not_empty = PTHREAD_COND_INITIALIZER,
    };
    struct consumed consumed = {.buffer = &buffer};
    pthread_t producer, consumer;
    if (pthread_create(&consumer, NULL, consume, &consumed) != 0 ||
        pthread_create(&producer, NULL, produce, &buffer) != 0) {
        printf("pthread_create failed\n");
        return 1;
    }
    pthread_join(producer, NULL);
    pthread_join(consumer, NULL);
    printf("consumed %u items, %u out of order, checksum %016llx\n", consumed.count,
           consumed.out_of_order, (unsigned long long)consumed.checksum);
    return consumed.count == ITEMS && consumed.out_of_order == 0 ? 0 : 1;
}
