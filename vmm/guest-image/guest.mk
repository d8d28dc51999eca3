# Guest image for the demo and the tests: Debian's linux-image-cloud-amd64
# kernel, downloaded and unpacked into $(B)/guest/pkg (never installed on
# the host), and a busybox-static initramfs with the virtio, fuse/virtiofs
# and ACPI power-button modules and vmm/guest-image/init.  See
# vmm/guest-image/README.md.  Incremental: the .deb is downloaded once, and
# a second `make guest` does nothing.

GUEST_SRC := vmm/guest-image
GUEST_OUT := $(B)/guest

guest: $(GUEST_OUT)/vmlinuz $(GUEST_OUT)/initramfs.cpio.gz

# fetch-kernel.sh reuses a .deb already in $(GUEST_OUT)/deb.
$(GUEST_OUT)/pkg/.stamp: $(GUEST_SRC)/fetch-kernel.sh
	sh $(GUEST_SRC)/fetch-kernel.sh $(GUEST_OUT)
	touch $@

$(GUEST_OUT)/vmlinuz: $(GUEST_OUT)/pkg/.stamp
	cp $(GUEST_OUT)/pkg/boot/vmlinuz-* $@.tmp
	mv $@.tmp $@

$(GUEST_OUT)/initramfs.cpio.gz: $(GUEST_OUT)/pkg/.stamp $(GUEST_SRC)/init \
		$(GUEST_SRC)/build-initramfs.sh $(wildcard /bin/busybox)
	sh $(GUEST_SRC)/build-initramfs.sh $(GUEST_OUT)/pkg $(GUEST_SRC)/init $@
