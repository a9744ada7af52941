/*
 * What kiln-oci knows of a container between its commands: a folder
 * ROOT/ID holding state.json (written once, atomically, when create has
 * a booted VM) and exec.fifo, which the monitor process reads until start
 * writes it and which start then removes.  The container's status is read
 * from the world, not stored: its monitor process alive (the same
 * process: /proc's start time guards against a reused pid) with exec.fifo
 * is created, alive without it running, gone stopped.
 */
#ifndef KILN_OCI_STATE_H
#define KILN_OCI_STATE_H

#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "oci_log.h"

#define OCI_STATE_FILE "state.json"
#define OCI_EXEC_FIFO  "exec.fifo"

enum oci_status {
    OCI_STATUS_CREATED,
    OCI_STATUS_RUNNING,
    OCI_STATUS_STOPPED,
};

struct oci_state {
    char dir[PATH_MAX]; /* ROOT/ID */
    char id[NAME_MAX + 1];
    pid_t pid;           /* the monitor process */
    uint64_t start_time; /* its start time in /proc/PID/stat, in clock ticks since boot */
    char bundle[PATH_MAX];
    char created[OCI_TIME_SIZE]; /* RFC 3339 */
    json_t *annotations;         /* an object (owned), or NULL */
};

/* Writes ROOT/ID into dir.  Returns 0, or -1 (reported). */
int oci_state_dir(char *dir, const char *root, const char *id);

/* Reads ROOT/ID's state.json: 0, or -1 reported ("container ID does not
 * exist" when there is none). */
int oci_state_load(struct oci_state *state, const char *root, const char *id);

/* Writes state.json into state->dir.  Returns 0, or -1 (reported). */
int oci_state_save(const struct oci_state *state);

void oci_state_free(struct oci_state *state);

enum oci_status oci_state_status(const struct oci_state *state);
const char *oci_status_name(enum oci_status status);

/* The runtime spec's state of the container, as `state` prints it. */
json_t *oci_state_json(const struct oci_state *state, enum oci_status status);

/* pid's start time, or 0 when it is gone or a zombie. */
uint64_t oci_process_start_time(pid_t pid);

/* Removes a container's folder and what it holds.  Returns 0, or -1
 * (reported). */
int oci_state_remove(const char *dir);

#endif
