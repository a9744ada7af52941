/*
 * Fuzzes the image checks: whatever image_parse() accepts must load into
 * guest RAM safely and have its symbols read without harm.  Guest RAM is
 * the largest there is, reserved once; pages a load touched are dropped
 * again so the fuzzer's memory stays small.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kiln/abi.h>

#include "monitor/image.h"
#include "monitor/symbols.h"
#include "monitor/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void drop_loaded_pages(const struct image *image, const struct guest_mem *mem)
{
    for (unsigned i = 0; i < image->segment_count; i++) {
        uint64_t start = image->segments[i].gpa & ~(uint64_t)(KILN_PAGE_SIZE - 1);
        uint64_t end = image->segments[i].gpa + image->segments[i].mem_size;
        madvise(mem->host + start, end - start, MADV_DONTNEED);
    }
}

static void name_addresses(const struct image *image)
{
    const uint64_t addresses[] = {image->entry, image->note.syscall_entry,
                                  image->note.exception_entries, image->end};
    struct symbols symbols;
    struct symbol found;
    symbols_open(&symbols, image);
    for (size_t i = 0; i < sizeof addresses / sizeof addresses[0]; i++)
        symbols_find(&symbols, addresses[i], &found);
    symbols_close(&symbols);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct guest_mem mem;
    if (mem.host == NULL && guest_mem_map(&mem, KILN_MEM_MAX) != 0)
        abort();
    uint8_t *bytes = malloc(size ? size : 1);
    memcpy(bytes, data, size);
    struct image image;
    if (image_parse(&image, "fuzz.kiln", bytes, size) == 0 &&
        image_check_fits(&image, vm_stack_guard(KILN_MEM_MAX)) == 0) {
        image_load(&image, &mem);
        drop_loaded_pages(&image, &mem);
        name_addresses(&image);
    }
    free(bytes);
    return 0;
}
