/* malloc_count: counts a program's heap allocations, for bench/profile.
 *
 *   LD_PRELOAD=build/bench/libmalloc_count.so build/hello_server ...
 *
 * prints "malloc_count: N allocations" to stderr when the program exits
 * normally. C++'s operator new allocates through malloc, so it is counted. */

#define _GNU_SOURCE
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

/* glibc's own entry points: no dlsym, which itself allocates. */
extern void* __libc_malloc(size_t size);
extern void* __libc_calloc(size_t count, size_t size);
extern void* __libc_realloc(void* pointer, size_t size);
extern void* __libc_memalign(size_t alignment, size_t size);

static atomic_ulong allocations;

static void count(void)
{
    atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed);
}

void* malloc(size_t size)
{
    count();
    return __libc_malloc(size);
}

void* calloc(size_t count_, size_t size)
{
    count();
    return __libc_calloc(count_, size);
}

void* realloc(void* pointer, size_t size)
{
    count();
    return __libc_realloc(pointer, size);
}

void* aligned_alloc(size_t alignment, size_t size)
{
    count();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void** result, size_t alignment, size_t size)
{
    count();
    *result = __libc_memalign(alignment, size);
    return *result ? 0 : 12; /* ENOMEM */
}

__attribute__((destructor)) static void report(void)
{
    dprintf(STDERR_FILENO, "malloc_count: %lu allocations\n",
            atomic_load_explicit(&allocations, memory_order_relaxed));
}
