#ifndef DOMCAT_CSUPPORT_H
#define DOMCAT_CSUPPORT_H
#include <stddef.h>

/// Hints the CPU to start loading a table row now: a name's rows are scattered over a large
/// hashed table, and starting all their cache misses at once overlaps them.
static inline void dc_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Memory for large tables, aligned to 2 MiB and marked for transparent huge pages, so random row
/// reads miss the TLB far less. Zero-filled. NULL on failure.
void *dc_alloc_table(size_t bytes);
void dc_free_table(void *table, size_t bytes);
#endif
