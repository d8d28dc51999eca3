# sandboxd — build, test, demo, benchmark.
# On a fresh Debian 12 machine as root: `make demo` and `make check` do all set-up.

VERSION    := 0.1
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     := $(PREFIX)/bin
LIBEXECDIR := $(PREFIX)/libexec/sandboxd
DATADIR    := $(PREFIX)/share/sandboxd
MANDIR     := $(PREFIX)/share/man

B := build
CC ?= gcc

# Hardening flags of the project brief; SANITIZE=1 adds ASan + UBSan.
CFLAGS_BASE := -std=gnu17 -Wall -Wextra -Werror -O2 -g \
	-fstack-protector-strong -fPIE -D_GNU_SOURCE
LDFLAGS_BASE := -pie -Wl,-z,relro,-z,now
ifeq ($(SANITIZE),1)
CFLAGS_BASE  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS_BASE += -fsanitize=address,undefined
else
# FORTIFY is left out under ASan, whose interceptors it would bypass.
CFLAGS_BASE  += -D_FORTIFY_SOURCE=3
endif
CFLAGS  := $(CFLAGS_BASE) $(EXTRA_CFLAGS)
LDFLAGS := $(LDFLAGS_BASE) $(EXTRA_LDFLAGS)

# Rebuild everything when the flags change (SANITIZE=1 <-> plain).
FLAGS_STAMP := $(B)/.flags
$(shell mkdir -p $(B); echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $(FLAGS_STAMP) || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $(FLAGS_STAMP))

# Debian packages each target needs; installed when missing (apt-get update first).
PKGS_BUILD := gcc make pkg-config libseccomp-dev libcap-ng-dev libmnl-dev libjson-c-dev
PKGS_GUEST := busybox-static cpio kmod apt
PKGS_RUN   := qemu-system-x86 qemu-system-common
PKGS_TEST  := bats bats-assert bats-support attr inotify-tools bubblewrap s6 util-linux procps strace e2fsprogs clang
PKGS_BENCH := python3
ALL_PKGS   := $(PKGS_BUILD) $(PKGS_GUEST) $(PKGS_RUN) $(PKGS_TEST) $(PKGS_BENCH)

.PHONY: all deps check demo bench guest install clean test-binaries
all: $(B)/sandboxd

# Fragments add their helpers and test guests as prerequisites.
test-binaries: all

deps:
	@missing=$$(for p in $(ALL_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

include sandboxd/sandboxd.mk
include $(wildcard vmm/guest-image/guest.mk vmm/vmm.mk tests/guests/guests.mk tests/helpers/helpers.mk)

check: deps
	$(MAKE) all guest test-binaries
	bats --print-output-on-failure tests/

demo: deps
	$(MAKE) all guest $(B)/guest-xattr $(B)/guests/fs.elf
	./docs/examples/demo.sh

bench: deps
	$(MAKE) all guest test-binaries
	./bench/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)/profiles
	install -m 0755 $(B)/sandboxd $(DESTDIR)$(BINDIR)/sandboxd
	for f in $(INSTALL_LIBEXEC); do install -m 0755 $$f $(DESTDIR)$(LIBEXECDIR)/; done
	for f in $(wildcard profiles/*); do [ -d $$f ] || install -m 0644 $$f $(DESTDIR)$(DATADIR)/profiles/; done
	install -d $(DESTDIR)$(DATADIR)/s6-services $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 s6-services/make-service s6-services/finish $(DESTDIR)$(DATADIR)/s6-services/
	install -m 0644 s6-services/run.in $(DESTDIR)$(DATADIR)/s6-services/
	install -m 0644 $(wildcard docs/*.5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(wildcard docs/*.8) $(DESTDIR)$(MANDIR)/man8/

clean:
	rm -rf $(B)
