#!/usr/bin/env bats
# N vCPUs: the MP table lists them, the boot CPU wakes the others with
# INIT/SIPI through the in-kernel LAPIC, each announces itself.

bats_require_minimum_version 1.5.0
load helpers/common
load helpers/vmm

setup() { vmm_setup kvm guests/smp.elf; }
teardown() { vmm_teardown; }

boot_smp() {
	local n=$1 id
	run timeout 60 "$VMM" --kernel "$G/smp.elf" --vcpus "$n"
	assert_success
	assert_line "smp: MP table lists $n cpus; cpu 0 is the BSP (APIC id 0)"
	for ((id = 1; id < n; id++)); do
		assert_line --regexp "^smp: cpu [0-9]+ up \(APIC id $id\)$"
	done
	assert_equal "$(grep -c ' up (APIC id' <<<"$output")" $((n - 1))
	assert_line "smp: all $n cpus up"
}

@test "smp guest: 1 vCPU" {
	boot_smp 1
}

@test "smp guest: 2 vCPUs each announce themselves" {
	boot_smp 2
}

@test "smp guest: 4 vCPUs each announce themselves" {
	boot_smp 4
}
