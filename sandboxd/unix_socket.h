/* Unix stream sockets in the VM's runtime dir: QEMU's QMP monitor and each
 * share's vhost-user socket. */
#ifndef SANDBOXD_UNIX_SOCKET_H
#define SANDBOXD_UNIX_SOCKET_H

/* Creates a listening socket at PATH (mode 0600, owner root) for a service
 * to inherit: the service never needs the path, and no one else may
 * connect. Returns the fd or -1 with errno set. */
int unix_listen(const char *path);

/* Connects to PATH; returns the fd (close-on-exec) or -1 with errno set. */
int unix_connect(const char *path);

#endif
