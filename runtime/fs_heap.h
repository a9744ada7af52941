/*
 * The file layer's memory: small objects (nodes, names, child lists, open
 * files) in power-of-two classes carved from pages, and whole pages (file
 * data, large tables).  Pages come from the program's arena through
 * kiln_pages_alloc (memory.h), so files count against --mem and run out
 * when it does; what the layer frees it keeps for its next objects.
 */
#ifndef KILN_RUNTIME_FS_HEAP_H
#define KILN_RUNTIME_FS_HEAP_H

#include <stddef.h>
#include <stdint.h>

#define FS_PAGE_SIZE    4096u
#define FS_HEAP_CLASSES 8 /* 16 bytes to 2 KiB */

struct fs_heap {
    void *free[FS_HEAP_CLASSES]; /* freed objects of each class, linked */
    void *free_pages;            /* freed pages, linked through their first word */
};

/* size bytes, zeroed; NULL when memory is spent.  Above 2 KiB the size is
 * rounded up to whole pages, which a single page takes from the layer's
 * own free pages and a larger block from the arena. */
void *fs_alloc(struct fs_heap *heap, size_t size);

/* Frees what fs_alloc(heap, size) gave, with the same size. */
void fs_free(struct fs_heap *heap, void *object, size_t size);

#endif
