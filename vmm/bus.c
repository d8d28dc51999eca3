/* A table of ranges, searched linearly: a VM has a dozen of them. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "bus.h"
#include "vmm.h"

struct bus_range {
	enum bus_kind kind;
	uint64_t base, len;
	bus_handler fn;
	void *dev;
};

static struct bus_range ranges[32];
static unsigned int nranges;
static pthread_mutex_t bus_mutex = PTHREAD_MUTEX_INITIALIZER;

int bus__register(enum bus_kind kind, uint64_t base, uint64_t len, bus_handler fn, void *dev)
{
	unsigned int i;

	if (len == 0 || base + len < base)
		return -EINVAL;
	if (nranges == ARRAY_SIZE(ranges))
		return -ENOSPC;
	for (i = 0; i < nranges; i++)
		if (ranges[i].kind == kind && base < ranges[i].base + ranges[i].len &&
		    ranges[i].base < base + len)
			return -EEXIST;
	ranges[nranges++] = (struct bus_range){ kind, base, len, fn, dev };
	return 0;
}

void bus__access(enum bus_kind kind, uint64_t addr, uint8_t *data, uint32_t len, bool is_write)
{
	unsigned int i;

	for (i = 0; i < nranges; i++) {
		const struct bus_range *r = &ranges[i];

		/* The whole access, not just its first byte: a handler is
		 * only ever given offsets inside its range.  Written so that
		 * nothing wraps: addr - base < len, then len - that >= LEN. */
		if (r->kind != kind || addr < r->base || addr - r->base >= r->len ||
		    len > r->len - (addr - r->base))
			continue;
		bus__lock();
		r->fn(r->dev, addr - r->base, data, len, is_write);
		bus__unlock();
		return;
	}
	if (!is_write)
		memset(data, 0xff, len);
}

void bus__lock(void)
{
	pthread_mutex_lock(&bus_mutex);
}

void bus__unlock(void)
{
	pthread_mutex_unlock(&bus_mutex);
}
