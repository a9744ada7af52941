#include "suite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "build.h"
#include "common/clock.h"
#include "common/paths.h"
#include "common/report.h"
#include "monitor/monitor.h"
#include "names.h"
#include "option_values.h"
#include "run_image.h"
#include "runtime_dir.h"
#include "suite_jobs.h"
#include "suite_results.h"
#include "suite_shard.h"

/* The exit status that says "skip me" (automake's convention). */
#define TEST_SKIP_STATUS 77

/* What one run of a test found, written by its child into shared pages.
 * A child that died before writing leaves reached false. */
struct run_slot {
    bool reached;
    enum monitor_outcome outcome;
    int status;
};

/* One pass over the suite's jobs (suite_jobs.h): looking the tests up,
 * building those not found, or running them; the jobs' context. */
struct stage {
    struct test_suite *suite;
    size_t shares;          /* the look-up's: how many children share the tests */
    struct run_slot *slots; /* the run stage's, one per run of each test */
    bool *complete;         /* the run stage's: which tests have their verdict */
    size_t reported;        /* the run stage's: tests handed to done() so far */
    void (*done)(const struct test_case *test, void *context);
    void *context;
};

static void *shared_pages(size_t size)
{
    void *pages = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    return pages == MAP_FAILED ? NULL : pages;
}

/* ------------------------------------------------------------ the suite */

/* Reads what each test is, once: a .c file, a Linux program or an image.
 * The shard's tests become the suite's cases. */
static int add_tests(struct test_suite *suite, bool *any_build)
{
    const struct test_args *args = suite->args;
    bool any_image = false;
    *any_build = false;
    for (size_t i = 0; i < args->test_count; i++) {
        const char *name = args->tests[i];
        if (access(name, R_OK) != 0)
            return report("test: %s: %s", name, strerror(errno));
        bool source = path_is_source(name);
        bool program = !source && builder_is_program(name);
        any_image |= !source && !program;
        *any_build |= source || program;
        if (suite_shard_holds(name, args->shard_index, args->shard_count))
            suite->cases[suite->count++] =
                (struct test_case){.name = name, .linux_program = program};
    }
    if (any_image && args->run.compile.files_count > 0)
        return report("test: --files goes with .c files and programs: an image holds the files "
                      "it was built with");
    return 0;
}

int suite_start(struct test_suite *suite, const struct test_args *args, const char *cache_dir)
{
    *suite = (struct test_suite){.args = args, .cache_dir = cache_dir};
    suite->cases = shared_pages(args->test_count * sizeof *suite->cases);
    if (suite->cases == NULL)
        return report("test: out of memory");
    bool any_build;
    if (add_tests(suite, &any_build) < 0 ||
        suite_results_inputs(&args->run, &suite->inputs, &suite->inputs_keyed) < 0) {
        suite_free(suite);
        return -1;
    }
    /* Hashed once here rather than in every test's lookup; where that
     * fails, each build says why. */
    char runtime_dir[PATH_MAX];
    suite->runtime_hashed = any_build && runtime_dir_find(runtime_dir, sizeof runtime_dir) == 0 &&
                            builder_runtime_hash(runtime_dir, &suite->runtime_hash) == 0;
    suite->jobs = args->jobs > 0 ? (unsigned)args->jobs : one_per_cpu();
    return 0;
}

void suite_free(struct test_suite *suite)
{
    for (size_t i = 0; i < suite->count; i++) {
        free(suite->cases[i].out.bytes);
        free(suite->cases[i].err.bytes);
    }
    if (suite->cases != NULL)
        munmap(suite->cases, suite->args->test_count * sizeof *suite->cases);
    *suite = (struct test_suite){0};
}

/* ------------------------------------------------- preparing each test */

/* The test's image: an image file as it is; a .c file or a program
 * through the build cache, built on a miss when build says.  Returns 1
 * with test->image and its hash set, 0 when not built, -1 (reported). */
static int prepare_image(const struct test_suite *suite, struct test_case *test, bool program,
                         bool build)
{
    if (!program && !path_is_source(test->name)) {
        if (strlen(test->name) >= sizeof test->image)
            return report("test: %s: path too long", test->name);
        strcpy(test->image, test->name);
        int error = content_hash_file(test->name, &test->image_hash);
        return error == 0 ? 1 : report("test: %s: %s", test->name, strerror(-error));
    }
    struct compile_args compile = suite->args->run.compile;
    const char *sources[] = {test->name};
    compile.program = program ? test->name : NULL;
    compile.sources = program ? NULL : sources;
    compile.source_count = program ? 0 : 1;
    struct built_image image;
    const struct content_hash *runtime = suite->runtime_hashed ? &suite->runtime_hash : NULL;
    int found = build ? build_cached_image(&compile, suite->cache_dir, &image) == 0
                      : find_cached_image(&compile, suite->cache_dir, runtime, &image);
    if (found <= 0)
        return found;
    memcpy(test->image, image.path, sizeof test->image);
    test->image_hash = image.hash;
    return 1;
}

/* Whether the image's bytes are what its build record says: a lookup
 * trusts the record, which is enough to find a recorded pass; a test that
 * boots checks it first. */
static bool image_intact(const struct test_case *test)
{
    struct content_hash hash;
    return content_hash_file(test->image, &hash) == 0 &&
           content_hash_equal(&hash, &test->image_hash);
}

/* Readies the test to run: its image, its result's key, and whether a
 * pass is recorded under it.  A lookup (build false) that leaves the
 * test unprepared hands it to the build stage, which says why. */
static void prepare(const struct test_suite *suite, struct test_case *test, bool build)
{
    bool program = test->linux_program;
    bool from_cache = program || path_is_source(test->name);
    char *argv0 = names_argv0(test->name, program);
    if (argv0 == NULL || prepare_image(suite, test, program, build) <= 0) {
        free(argv0);
        return;
    }
    test->key = suite_results_key(&suite->inputs, &test->image_hash, argv0);
    free(argv0);
    test->keyed = suite->inputs_keyed;
    test->cached = test->keyed && !suite->args->no_cache && suite->args->repeat == 1 &&
                   suite->args->run.gdb_host[0] == '\0' &&
                   suite_results_find(suite->cache_dir, &test->key, &test->cached_ns) == 1;
    test->prepared = test->cached || build || !from_cache || image_intact(test);
}

/* Looking every test up in the caches is quick (hashes), so each child
 * takes a share of the tests: a fork per test would cost more than the
 * lookup.  What it says is not shown: a test it could not ready goes on
 * to be built, and says it again there. */
static void look_up_child(void *context, size_t share)
{
    const struct stage *stage = context;
    for (size_t i = share; i < stage->suite->count; i += stage->shares)
        prepare(stage->suite, &stage->suite->cases[i], false);
    _exit(EXIT_SUCCESS);
}

static bool not_prepared(void *context, size_t index)
{
    const struct stage *stage = context;
    return !stage->suite->cases[index].prepared;
}

static void build_child(void *context, size_t index)
{
    const struct stage *stage = context;
    prepare(stage->suite, &stage->suite->cases[index], true);
    _exit(EXIT_SUCCESS);
}

/* A test that could not be prepared fails with what its build said. */
static void prepared(void *context, const struct suite_job *job, int wait_status)
{
    const struct stage *stage = context;
    struct test_case *test = &stage->suite->cases[job->index];
    (void)wait_status;
    if (test->prepared)
        return;
    test->ns = (uint64_t)(clock_ns(CLOCK_MONOTONIC) - job->started_ns);
    test->verdict = TEST_FAIL;
    test->error = true;
    snprintf(test->reason, sizeof test->reason, "%s",
             path_is_source(test->name) ? "did not build" : "could not be loaded");
    suite_job_output(job->out_fd, &test->out);
    suite_job_output(job->err_fd, &test->err);
}

/* ---------------------------------------------------- running each test */

static struct test_case *test_of(const struct stage *stage, size_t job_index)
{
    return &stage->suite->cases[job_index / stage->suite->args->repeat];
}

static bool must_run(void *context, size_t index)
{
    const struct stage *stage = context;
    const struct test_case *test = test_of(stage, index);
    return test->prepared && !test->cached;
}

static void run_child(void *context, size_t index)
{
    const struct stage *stage = context;
    const struct test_case *test = test_of(stage, index);
    struct run_target target = {test->image, &test->image_hash, test->name, test->linux_program,
                                false};
    struct monitor_result result =
        run_image(&stage->suite->args->run, &target, stage->suite->cache_dir);
    stage->slots[index] = (struct run_slot){true, result.outcome, result.status};
    _exit(EXIT_SUCCESS);
}

enum run_kind { RUN_PASSED, RUN_SKIPPED, RUN_FAILED };

/* What one run came to, and in words why when it did not pass. */
static enum run_kind judge_run(const struct test_suite *suite, const struct run_slot *slot,
                               int wait_status, char *why, size_t why_size, bool *error)
{
    *error = true;
    if (!slot->reached) {
        if (WIFSIGNALED(wait_status))
            snprintf(why, why_size, "kiln died of signal %d", WTERMSIG(wait_status));
        else
            snprintf(why, why_size, "kiln could not run it");
        return RUN_FAILED;
    }
    switch (slot->outcome) {
    case MONITOR_EXITED:
        *error = false;
        snprintf(why, why_size, "exit status %d", slot->status);
        return slot->status == 0                  ? RUN_PASSED
               : slot->status == TEST_SKIP_STATUS ? RUN_SKIPPED
                                                  : RUN_FAILED;
    case MONITOR_CRASHED:
        snprintf(why, why_size, "crashed");
        break;
    case MONITOR_TIMED_OUT:
        snprintf(why, why_size, "timed out after %g s",
                 (double)suite->args->run.timeout_ms / MS_PER_S);
        break;
    case MONITOR_STUCK:
        snprintf(why, why_size, "deadlocked: every thread waits for good");
        break;
    case MONITOR_FAILED:
        snprintf(why, why_size, "kiln could not run it");
        break;
    }
    return RUN_FAILED;
}

/* A test's verdict once all its runs are in: FLAKY when it both passed and
 * failed; else the failure (its reason already the last failure's), the
 * pass, or the skip. */
static void conclude(struct test_case *test)
{
    if (test->failed_runs > 0 && test->passed_runs > 0) {
        test->verdict = TEST_FLAKY;
        test->error = false;
        snprintf(test->reason, sizeof test->reason, "passed %u of %u runs", test->passed_runs,
                 test->runs);
    } else if (test->failed_runs > 0) {
        test->verdict = TEST_FAIL;
    } else {
        test->verdict = test->passed_runs > 0 ? TEST_PASS : TEST_SKIP;
    }
}

/* Hands done() every test whose verdict is in and has none before it
 * still waiting, so that the report's order is the command line's.  A
 * pass is recorded then, by the parent: a child runs confined. */
static void report_ready(struct stage *stage)
{
    struct test_suite *suite = stage->suite;
    while (stage->reported < suite->count && stage->complete[stage->reported]) {
        struct test_case *test = &suite->cases[stage->reported++];
        if (test->verdict == TEST_PASS && test->keyed && test->runs == 1)
            suite_results_record(suite->cache_dir, &test->key, test->ns);
        stage->done(test, stage->context);
    }
}

static void ran(void *context, const struct suite_job *job, int wait_status)
{
    struct stage *stage = context;
    struct test_suite *suite = stage->suite;
    size_t test_index = job->index / suite->args->repeat;
    struct test_case *test = &suite->cases[test_index];
    char why[sizeof test->reason];
    bool error;
    enum run_kind kind =
        judge_run(suite, &stage->slots[job->index], wait_status, why, sizeof why, &error);
    test->runs++;
    test->ns += (uint64_t)(clock_ns(CLOCK_MONOTONIC) - job->started_ns);
    test->passed_runs += kind == RUN_PASSED;
    test->failed_runs += kind == RUN_FAILED;
    /* The report shows the last failed run, else the last run. */
    if (kind == RUN_FAILED || test->failed_runs == 0) {
        suite_job_output(job->out_fd, &test->out);
        suite_job_output(job->err_fd, &test->err);
        snprintf(test->reason, sizeof test->reason, "%s", why);
        test->error = error;
    }
    if (test->runs < suite->args->repeat)
        return;
    conclude(test);
    stage->complete[test_index] = true;
    report_ready(stage);
}

/* Tests that need no run have their verdict already: a cached pass, or a
 * failure to build.  Returns whether any test is left to run. */
static bool settle_unrun(struct stage *stage)
{
    bool any = false;
    for (size_t i = 0; i < stage->suite->count; i++) {
        struct test_case *test = &stage->suite->cases[i];
        if (test->prepared && test->cached) {
            test->verdict = TEST_CACHED;
            test->ns = 0;
        }
        stage->complete[i] = !test->prepared || test->cached;
        any |= !stage->complete[i];
    }
    return any;
}

int suite_run(struct test_suite *suite, void (*done)(const struct test_case *test, void *context),
              void *context)
{
    if (suite->count == 0)
        return 0;
    unsigned shares = suite->count < suite->jobs ? (unsigned)suite->count : suite->jobs;
    struct stage prepare = {.suite = suite, .shares = shares};
    struct suite_jobs look_up = {
        .count = shares, .width = suite->jobs, .context = &prepare, .child = look_up_child};
    struct suite_jobs build = {.count = suite->count,
                               .width = suite->jobs,
                               .context = &prepare,
                               .wanted = not_prepared,
                               .child = build_child,
                               .finished = prepared};
    if (suite_jobs_run(&look_up) < 0 || suite_jobs_run(&build) < 0)
        return -1;
    size_t runs = suite->count * suite->args->repeat;
    struct stage run = {.suite = suite,
                        .slots = shared_pages(runs * sizeof *run.slots),
                        .complete = calloc(suite->count, sizeof *run.complete),
                        .done = done,
                        .context = context};
    struct suite_jobs boot = {.count = runs,
                              .width = suite->jobs,
                              .context = &run,
                              .keep_streams = suite->args->run.gdb_host[0] != '\0',
                              .wanted = must_run,
                              .child = run_child,
                              .finished = ran};
    int rc = -1;
    if (run.slots == NULL || run.complete == NULL)
        report("test: out of memory");
    else if (!settle_unrun(&run) || monitor_kvm_check() == 0)
        rc = suite_jobs_run(&boot);
    if (rc == 0)
        report_ready(&run);
    if (run.slots != NULL)
        munmap(run.slots, runs * sizeof *run.slots);
    free(run.complete);
    return rc;
}
