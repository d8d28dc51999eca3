# Small C helpers the tests run. The probe is static: it runs inside
# services whose Landlock rules need not name the dynamic loader and its
# libraries, and the same binary serves as a setuid copy. guest-xattr is
# static because it runs in the guest, copied into a virtio-fs share (the
# guest image has busybox and nothing else), and on the host alike.
HELPERS_DIR := tests/helpers

test-binaries: $(B)/probe $(B)/guest-xattr $(B)/connect-exec $(B)/listen-exec $(B)/vhost-fake

$(B)/probe: $(HELPERS_DIR)/probe.c $(HELPERS_DIR)/probe_limits.c $(HELPERS_DIR)/probe_limits.h \
	    $(HELPERS_DIR)/helpers.mk $(FLAGS_STAMP)
	$(CC) -std=gnu17 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -static -pthread -o $@ \
		$(HELPERS_DIR)/probe.c $(HELPERS_DIR)/probe_limits.c

$(B)/guest-xattr: $(HELPERS_DIR)/guest-xattr.c $(HELPERS_DIR)/helpers.mk $(FLAGS_STAMP)
	$(CC) -std=gnu17 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE -static -o $@ $<

# The vhost-user tests (tests/vmm-fs.bats): the backend listens on fd 3
# (bench/listen-exec.c), the VMM gets a connected socket (connect-exec).
$(B)/connect-exec: $(HELPERS_DIR)/connect-exec.c $(HELPERS_DIR)/helpers.mk
	$(CC) -std=gnu17 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE -o $@ $<

$(B)/listen-exec: bench/listen-exec.c $(HELPERS_DIR)/helpers.mk
	$(CC) -std=gnu17 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE -o $@ $<

$(B)/vhost-fake: $(HELPERS_DIR)/vhost-fake.c $(HELPERS_DIR)/helpers.mk
	$(CC) -std=gnu17 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE -o $@ $<
