/* connect-exec PATH FD CMD [ARG...]: connects a unix stream socket to
 * PATH, puts it on fd FD and execs CMD: how the vmm tests hand the VMM a
 * connected vhost-user socket (--fs tag=T,fd=FD), as sandboxd does. A
 * listening socket nobody accepts on still connects (into its backlog):
 * that is the "backend that never answers" case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, want;

	if (argc < 4 || strlen(argv[1]) >= sizeof sa.sun_path || (want = atoi(argv[2])) < 3) {
		fprintf(stderr, "usage: connect-exec PATH FD CMD [ARG...] (FD >= 3)\n");
		return 100;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    (fd != want && (dup2(fd, want) < 0 || close(fd) < 0))) {
		perror("connect-exec");
		return 111;
	}
	execvp(argv[3], argv + 3);
	perror("connect-exec: exec");
	return 111;
}
