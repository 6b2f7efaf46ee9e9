#include "csupport.h"
#include <stdint.h>
#include <sys/mman.h>

/* Anonymous mappings are zero-filled and lazily backed, so hash buckets no name ever touches cost no memory.
   The mapping is over-allocated by 2 MiB and the start aligned so huge pages can back it; the header before
   the returned pointer remembers the mapping for dc_free_table. */
#define HUGE_PAGE ((size_t)2 << 20)

void *dc_alloc_table(size_t bytes) {
    size_t length = bytes + 2 * HUGE_PAGE;
    uint8_t *base = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
    uint8_t *table = (uint8_t *)(((uintptr_t)base + HUGE_PAGE + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    ((size_t *)table)[-2] = (size_t)(uintptr_t)base;
    ((size_t *)table)[-1] = length;
#ifdef MADV_HUGEPAGE
    madvise(table, bytes, MADV_HUGEPAGE);
#endif
    return table;
}

void dc_free_table(void *table, size_t bytes) {
    (void)bytes;
    if (!table) return;
    size_t *header = (size_t *)table;
    munmap((void *)(uintptr_t)header[-2], header[-1]);
}
