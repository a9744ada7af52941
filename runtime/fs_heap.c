#include "fs_heap.h"
#include "bytes.h"
#include "memory.h"

#define SMALLEST_CLASS_SHIFT 4 /* 16 bytes: two pointers */
#define LARGEST_CLASS_SIZE   (1u << (SMALLEST_CLASS_SHIFT + FS_HEAP_CLASSES - 1))

struct free_object {
    struct free_object *next;
};

static uint32_t class_of(size_t size)
{
    uint32_t index = 0;

    while ((size_t)1 << (SMALLEST_CLASS_SHIFT + index) < size)
        index++;
    return index;
}

static size_t class_size(uint32_t index)
{
    return (size_t)1 << (SMALLEST_CLASS_SHIFT + index);
}

static size_t whole_pages(size_t size)
{
    return (size + FS_PAGE_SIZE - 1) & ~(size_t)(FS_PAGE_SIZE - 1);
}

static void push(void **list, void *object)
{
    struct free_object *node = object;
    node->next = *list;
    *list = node;
}

static void *pop(void **list)
{
    struct free_object *node = *list;
    if (node)
        *list = node->next;
    return node;
}

/* Pages of the layer's own first, zeroed again; then fresh (zero) RAM. */
static void *page_alloc(struct fs_heap *heap)
{
    void *page = pop(&heap->free_pages);

    if (!page)
        return kiln_pages_alloc(FS_PAGE_SIZE);
    bytes_zero(page, FS_PAGE_SIZE);
    return page;
}

/* A page cut into objects of one class, all but the first put on its
 * free list. */
static void *carve(struct fs_heap *heap, uint32_t index)
{
    char *page = page_alloc(heap);
    size_t size = class_size(index);

    if (!page)
        return NULL;
    for (size_t at = FS_PAGE_SIZE - size; at > 0; at -= size)
        push(&heap->free[index], page + at);
    return page;
}

void *fs_alloc(struct fs_heap *heap, size_t size)
{
    if (size > LARGEST_CLASS_SIZE) {
        size = whole_pages(size);
        return size == FS_PAGE_SIZE ? page_alloc(heap) : kiln_pages_alloc(size);
    }
    uint32_t index = class_of(size);
    void *object = pop(&heap->free[index]);
    if (!object)
        return carve(heap, index);
    bytes_zero(object, class_size(index));
    return object;
}

/* A block of several pages goes back as single pages: the layer never
 * returns memory to the arena (memory.h says why). */
void fs_free(struct fs_heap *heap, void *object, size_t size)
{
    if (!object)
        return;
    if (size <= LARGEST_CLASS_SIZE) {
        push(&heap->free[class_of(size)], object);
        return;
    }
    for (size_t at = 0; at < whole_pages(size); at += FS_PAGE_SIZE)
        push(&heap->free_pages, (char *)object + at);
}
