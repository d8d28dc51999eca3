/* listen-exec PATH CMD [ARG...]: binds and listens on a unix socket at
 * PATH, prints "Listening on PATH" once connections can be queued, and
 * execs CMD with the socket as fd 3. bench/virtiofs.sh starts the bare
 * virtiofsd this way (virtiofsd --fd=3), as sandboxd's PID 1 does, without
 * pulling in systemd for systemd-socket-activate. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (argc < 3 || strlen(argv[1]) >= sizeof sa.sun_path) {
		fprintf(stderr, "usage: listen-exec PATH CMD [ARG...]\n");
		return 100;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0 ||
	    (fd != 3 && (dup2(fd, 3) < 0 || close(fd) < 0))) {
		perror("listen-exec");
		return 111;
	}
	printf("Listening on %s\n", argv[1]);
	fflush(stdout);
	execvp(argv[2], argv + 2);
	perror("listen-exec: exec");
	return 111;
}
