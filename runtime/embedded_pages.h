/*
 * The embedded files' pages come into guest RAM from the image file as
 * the program first touches them, 4 KiB at a time, each touch a fault in
 * KVM (~20 us on PVM: 330 ms to read 64 MiB).  Before a big file is read
 * or mapped, the runtime asks the monitor (MEMORY) for its 2 MiB pieces
 * instead: copied into huge pages, they fault 2 MiB at a time.
 */
#ifndef KILN_RUNTIME_EMBEDDED_PAGES_H
#define KILN_RUNTIME_EMBEDDED_PAGES_H

#include <stdint.h>

/* Files smaller than this are read where they lie: a piece costs one
 * exit and a 2 MiB copy on the host, more than a few faults. */
#define EMBEDDED_PAGES_BIG_FILE (1u << 20)

/* [bytes, bytes + len) of a file of file_size bytes in the image is
 * about to be read. */
void embedded_pages_want(const char *bytes, uint64_t len, uint64_t file_size);

#endif
