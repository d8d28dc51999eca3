/* mono-ns: prints CLOCK_MONOTONIC in nanoseconds, for the shell timing of
 * bench/virtiofs-workload.sh. The guest's busybox `date` has no %N and
 * /proc/uptime counts in 10 ms steps. Built static: it runs in the guest
 * (from the share; the guest image has busybox only) and on the host. */
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		perror("mono-ns: clock_gettime");
		return 1;
	}
	printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	return 0;
}
