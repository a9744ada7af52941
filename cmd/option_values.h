/*
 * The values options take: sizes (--mem) and durations (--timeout).  Each
 * parser accepts the whole text or nothing, and says why it refused.
 */
#ifndef KILN_OPTION_VALUES_H
#define KILN_OPTION_VALUES_H

#include <stddef.h>
#include <stdint.h>

/* Bytes, or a number with a binary K, M or G suffix, optionally followed
 * by B or iB, in any case: "4096", "64M", "1GiB".  Returns 0, or -1 when
 * text is not a size or does not fit 64 bits. */
int parse_size(const char *text, uint64_t *bytes);

/* A guest memory size: a size in [KILN_MEM_MIN, KILN_MEM_MAX], rounded up
 * to KILN_MEM_ALIGN.  Returns 0, or -1 with the reason in error. */
int parse_mem_size(const char *text, uint64_t *bytes, char *error, size_t error_size);

/* Seconds, with an optional decimal fraction ("10", "0.5"), to whole
 * milliseconds, rounded up so that any non-zero time stays non-zero.
 * Returns 0, or -1 with the reason in error. */
int parse_timeout(const char *text, uint64_t *ms, char *error, size_t error_size);

/* A whole number in [min, max].  Returns 0, or -1 with the reason in
 * error. */
int parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *count, char *error,
                size_t error_size);

/* "ADDR:PORT": an IPv4 address, or an IPv6 one in brackets ("[::1]:80"),
 * and a port 0-65535 (0: any free port).  The address is written into
 * host without brackets.  Returns 0, or -1 with the reason in error. */
int parse_listen(const char *text, char *host, size_t host_size, uint16_t *port, char *error,
                 size_t error_size);

/* Writes bytes with the largest binary unit that divides it ("16M", "4G"). */
void format_size(uint64_t bytes, char *text, size_t text_size);

/* One per online CPU (at least 1): what kiln test -j and kiln serve
 * --workers default to. */
unsigned one_per_cpu(void);

#endif
