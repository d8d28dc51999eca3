/* The monotonic clock in milliseconds: what every deadline and "how long
 * since" in sandboxd is counted in. */
#ifndef SANDBOXD_MONOTONIC_H
#define SANDBOXD_MONOTONIC_H

#include <time.h>

static inline long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

#endif
