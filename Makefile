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
# PREFIX too: the binary holds its install paths (profiles, the vmm).
FLAGS_NOW := $(CC) $(CFLAGS) $(LDFLAGS) PREFIX=$(PREFIX)
$(shell mkdir -p $(B); echo '$(FLAGS_NOW)' | cmp -s - $(FLAGS_STAMP) || echo '$(FLAGS_NOW)' > $(FLAGS_STAMP))

# Debian packages each target needs; installed when missing (apt-get update first).
PKGS_BUILD := gcc make pkg-config libseccomp-dev libcap-ng-dev libmnl-dev libjson-c-dev
PKGS_GUEST := busybox-static cpio kmod apt
PKGS_RUN   := qemu-system-x86 qemu-system-common passt
# python3: the network tests' servers and bench/stats.py; iproute2: ip netns.
PKGS_TEST  := bats bats-assert bats-support attr inotify-tools bubblewrap s6 util-linux procps strace e2fsprogs clang iproute2 python3
ALL_PKGS   := $(PKGS_BUILD) $(PKGS_GUEST) $(PKGS_RUN) $(PKGS_TEST)

.PHONY: all deps check demo bench guest install uninstall clean test-binaries
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

# S6=1: the demo VM as an s6 service (s6-svscan, its logger, readiness).
demo: deps
	$(MAKE) all guest $(B)/guest-xattr $(B)/guests/fs.elf
	$(if $(S6),./docs/examples/demo-s6.sh,./docs/examples/demo.sh)

bench: deps
	$(MAKE) all guest test-binaries
	./bench/run.sh

# Installed: the manager, the bundled VMM, the service profiles (not the
# tests' test-probe), the guest image and an example config for it under
# share/, the s6 service template, the man pages. uninstall removes them.
INSTALL_PROFILES := builtin-vmm qemu virtiofsd
INSTALL_MAN5     := $(wildcard docs/*.5)
INSTALL_MAN8     := $(wildcard docs/*.8)

install: all guest
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) $(DESTDIR)$(DATADIR)/profiles \
		$(DESTDIR)$(DATADIR)/guest $(DESTDIR)$(DATADIR)/examples \
		$(DESTDIR)$(DATADIR)/s6-services $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(B)/sandboxd $(DESTDIR)$(BINDIR)/sandboxd
	for f in $(INSTALL_LIBEXEC); do install -m 0755 $$f $(DESTDIR)$(LIBEXECDIR)/; done
	for f in $(INSTALL_PROFILES); do install -m 0644 profiles/$$f $(DESTDIR)$(DATADIR)/profiles/; done
	install -m 0644 $(B)/guest/vmlinuz $(B)/guest/initramfs.cpio.gz $(DESTDIR)$(DATADIR)/guest/
	install -m 0644 docs/examples/example.conf $(DESTDIR)$(DATADIR)/examples/
	install -m 0755 s6-services/make-service s6-services/finish $(DESTDIR)$(DATADIR)/s6-services/
	install -m 0644 s6-services/run.in $(DESTDIR)$(DATADIR)/s6-services/
	install -m 0644 $(INSTALL_MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 $(INSTALL_MAN8) $(DESTDIR)$(MANDIR)/man8/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sandboxd
	rm -f $(addprefix $(DESTDIR)$(LIBEXECDIR)/,$(notdir $(INSTALL_LIBEXEC)))
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/profiles/,$(INSTALL_PROFILES))
	rm -f $(DESTDIR)$(DATADIR)/guest/vmlinuz $(DESTDIR)$(DATADIR)/guest/initramfs.cpio.gz
	rm -f $(DESTDIR)$(DATADIR)/examples/example.conf
	rm -f $(addprefix $(DESTDIR)$(DATADIR)/s6-services/,make-service finish run.in)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(INSTALL_MAN5)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(INSTALL_MAN8)))
	for d in profiles guest examples s6-services; do rmdir $(DESTDIR)$(DATADIR)/$$d 2>/dev/null || true; done
	rmdir $(DESTDIR)$(DATADIR) $(DESTDIR)$(LIBEXECDIR) 2>/dev/null || true

clean:
	rm -rf $(B)
