/*
 * kiln test's result cache (DESIGN.md, "Caches"): a test that passed is
 * recorded under a key that covers everything its run could depend on, so
 * that running it again unchanged reports it without booting it.
 */
#ifndef KILN_SUITE_RESULTS_H
#define KILN_SUITE_RESULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/content_hash.h"
#include "options.h"

/* Hashes what every test of args runs with: the arguments after argv[0],
 * the environment, the memory size, the working folder, each volume's
 * guest folder and the contents of each read-only one.  *keyed is false
 * when a read-write volume makes results unrepeatable.  Returns 0, or -1
 * (reported) when a volume cannot be read. */
int suite_results_inputs(const struct run_args *args, struct content_hash *inputs, bool *keyed);

/* The key of one test's result: kiln's version, the image (whose hash
 * covers its code and embedded files), its argv[0] and the inputs. */
struct content_hash suite_results_key(const struct content_hash *inputs,
                                      const struct content_hash *image, const char *argv0);

/* Returns 1 with *ns (how long the pass took) when a pass is recorded
 * under key; 0 when none is (or a corrupt one was dropped). */
int suite_results_find(const char *cache_dir, const struct content_hash *key, uint64_t *ns);

/* Records a pass that took ns.  Returns 0, or -1 (reported). */
int suite_results_record(const char *cache_dir, const struct content_hash *key, uint64_t ns);

#endif
