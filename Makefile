# SPDX-License-Identifier: GPL-2.0
#
# mgm: an XDP-accelerated IPv4 multicast router with an MGM controller.
#
#   make            build everything into build/
#   make check      install missing packages, then run every test layer
#   make demo       install missing packages, then run the demo topology
#   make help       list targets
#   make V=1        show full commands

OUT      ?= build
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -I$(OUT) -Iuser
LDLIBS   := -lxdp -lbpf -lmnl -ljson-c -lelf -lz -lpthread
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# No build-tree path in what is built (debug info, the BTF that the
# skeletons embed): an installed mgm names only relative source paths.
PREFIX_MAP := -fdebug-prefix-map=$(CURDIR)=.
CFLAGS   += $(PREFIX_MAP)
BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -mcpu=v3 -Iinclude $(PREFIX_MAP) \
	      $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH))

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(OUT)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(OUT)/%.skel.h,$(BPF_SRCS))
HDRS      := $(wildcard include/*.h include/*/*.h user/*/*.h tools/*.h)

DP_SRCS   := $(wildcard user/dp/*.c)
MGM_SRCS  := $(wildcard user/mgm/*.c)
PROTO_SRCS := $(wildcard user/proto/*.c)
LIB_SRCS  := $(DP_SRCS) $(MGM_SRCS) $(PROTO_SRCS)
LIB_OBJS  := $(patsubst %.c,$(OUT)/obj/%.o,$(LIB_SRCS))
LIB_PIC   := $(patsubst %.c,$(OUT)/pic/%.o,$(LIB_SRCS))
# Unit tests link the MGM core and the protocols, never the BPF datapath
# (see mgm_datapath.h): they run without root.
LIB_SAN   := $(patsubst %.c,$(OUT)/san/%.o,$(MGM_SRCS) $(PROTO_SRCS))

# Programs: one directory per program under user/ (mgmd, mgmctl, ...),
# one file per program under tools/.
PROG_DIRS := $(filter-out user/dp user/mgm user/proto user/client user/compat,$(wildcard user/*))
# The client library of external routing protocols (talks to mgmd).
CLIENT_SRCS := $(wildcard user/client/*.c)
# <mgm.h> with the Win32 names (include/mgm/compat) on libmgmclient, or on
# an in-process libmgm (compat_local.o, linked only if used).
COMPAT_SRCS := $(wildcard user/compat/*.c)
# Protocols written against the Microsoft documentation only: compiled
# with nothing but include/mgm/compat on the include path.
COMPAT_PROTOS := $(patsubst tests/compat/%.c,$(OUT)/tests/%,$(wildcard tests/compat/*.c))
PROGS     := $(foreach d,$(PROG_DIRS),$(OUT)/$(notdir $(d)))
TOOLS     := $(patsubst tools/%.c,$(OUT)/%,$(wildcard tools/*.c))

# Tests: unit tests run under ASan/UBSan without root; BPF tests need root.
UNIT_HELP  := $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(OUT)/tests/%,$(wildcard tests/unit/test_*.c))
BPF_TESTS  := $(patsubst tests/bpf/%.c,$(OUT)/tests/%,$(wildcard tests/bpf/test_*.c))
BPF_HELP   := $(filter-out tests/bpf/test_%.c %.bpf.c,$(wildcard tests/bpf/*.c))
TEST_BPF_OBJS := $(patsubst tests/bpf/%.bpf.c,$(OUT)/tests/%.bpf.o,$(wildcard tests/bpf/*.bpf.c))

.PHONY: all deps check check-unit check-bpf check-integration vmcheck demo bench \
	clean help format install fuzz check-fuzz
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BPF_OBJS) $(SKELS) $(OUT)/libmgm.a $(OUT)/libmgm.so \
     $(if $(CLIENT_SRCS),$(OUT)/libmgmclient.a $(OUT)/libmgmclient.so) $(PROGS) $(TOOLS) \
     $(OUT)/libmgmcompat.a $(OUT)/libmgmcompat.so $(COMPAT_PROTOS) \
     $(UNIT_TESTS) $(BPF_TESTS) $(TEST_BPF_OBJS)

help:
	@echo 'Targets:'
	@echo '  all                build BPF objects, skeletons, libmgm, programs, tests'
	@echo '  deps               install missing Debian packages, mount bpffs'
	@echo '  check              deps + all tests (unit, BPF, integration)'
	@echo '  check-unit         userspace unit tests under ASan/UBSan (no root)'
	@echo '  check-bpf          BPF_PROG_TEST_RUN tests over crafted packets (root)'
	@echo '  check-integration  network-namespace tests with real packets (root)'
	@echo '  check-fuzz         replay the fuzz corpora under ASan/UBSan (no root)'
	@echo '  fuzz               build the libFuzzer targets (FUZZ_SECONDS=N: run each)'
	@echo '  demo               deps + the demo topology'
	@echo '  bench              deps + benchmarks (tools/), results into README'
	@echo '  install            install into PREFIX (/usr/local), DESTDIR (see mk/install.mk)'
	@echo '  uninstall          remove what install put'
	@echo '  format             clang-format every C file in place'
	@echo '  clean              remove build/'
	@echo 'Variables: V=1 (show commands), OUT=dir (build directory)'

deps:
	$(Q)./tools/deps.sh

$(OUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/mgm_fwd.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/tests/%.bpf.o: tests/bpf/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(notdir $(*F)) > $@

$(OUT)/obj/%.o: %.c $(HDRS) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/pic/%.o: %.c $(HDRS) $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fPIC -c $< -o $@

$(OUT)/san/%.o: %.c $(HDRS) $(SKELS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -O1 $(SAN) -c $< -o $@

$(OUT)/libmgm.a: $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/libmgm.so: $(LIB_PIC)
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,libmgm.so.0 -o $@ $^ $(LDLIBS)

$(OUT)/libmgm-san.a: $(LIB_SAN)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/libmgmclient.a: $(patsubst %.c,$(OUT)/obj/%.o,$(CLIENT_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUT)/libmgmclient.so: $(patsubst %.c,$(OUT)/pic/%.o,$(CLIENT_SRCS))
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,libmgmclient.so.0 -o $@ $^

$(OUT)/libmgmcompat.a: $(patsubst %.c,$(OUT)/obj/%.o,$(COMPAT_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# The shared library is mgmd's side only (it needs libmgmclient, not libmgm
# and its libbpf): MgmCompatUseInstance() is in the static one.
$(OUT)/libmgmcompat.so: $(patsubst %.c,$(OUT)/pic/%.o,$(filter-out %/compat_local.c,$(COMPAT_SRCS))) $(OUT)/libmgmclient.so
	$(call msg,LD,$@)
	$(Q)$(CC) -shared -Wl,-soname,libmgmcompat.so.0 -o $@ $(filter %.o,$^) \
		-L$(OUT) -lmgmclient -lpthread

$(OUT)/tests/%: tests/compat/%.c include/mgm/compat/mgm.h $(OUT)/libmgmcompat.a $(OUT)/libmgmclient.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude/mgm/compat \
		-o $@ $< $(OUT)/libmgmcompat.a $(OUT)/libmgmclient.a -lpthread

# mgmd reports readiness to systemd (sd_notify; a no-op elsewhere).
$(OUT)/mgmd: private LDLIBS += -lsystemd

define prog_rule
$(OUT)/$(notdir $(1)): $(patsubst %.c,$(OUT)/obj/%.o,$(wildcard $(1)/*.c)) $(OUT)/libmgm.a $(if $(CLIENT_SRCS),$(OUT)/libmgmclient.a)
	$$(call msg,LD,$$@)
	$$(Q)$$(CC) $$(CFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach d,$(PROG_DIRS),$(eval $(call prog_rule,$(d))))

$(OUT)/%: tools/%.c $(OUT)/libmgm.a $(if $(CLIENT_SRCS),$(OUT)/libmgmclient.a) $(HDRS) $(SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(OUT)/libmgm.a $(if $(CLIENT_SRCS),$(OUT)/libmgmclient.a) $(LDLIBS)

# The benchmarks link the units they share (tools/bench/, tools/bench.h);
# mcbench also its own (tools/mcbench/).
BENCH_OBJS := $(patsubst %.c,$(OUT)/obj/%.o,$(wildcard tools/bench/*.c))
$(OUT)/mcbench: $(patsubst %.c,$(OUT)/obj/%.o,$(wildcard tools/mcbench/*.c))
$(OUT)/mcbench $(OUT)/mgm-bench $(OUT)/kmirror-bench: $(OUT)/%: tools/%.c $(BENCH_OBJS) $(OUT)/libmgm.a $(if $(CLIENT_SRCS),$(OUT)/libmgmclient.a) $(HDRS) $(SKELS)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $< $(filter %.o,$^) $(OUT)/libmgm.a $(if $(CLIENT_SRCS),$(OUT)/libmgmclient.a) $(LDLIBS)

$(OUT)/tests/test_%: tests/unit/test_%.c $(UNIT_HELP) $(wildcard tests/unit/*.h) $(OUT)/libmgm-san.a $(HDRS) tests/check.h $(CLIENT_SRCS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -O1 $(SAN) -Itests -o $@ $< $(UNIT_HELP) $(OUT)/libmgm-san.a $(LDLIBS)
# A unit test that #includes a daemon source is rebuilt when it changes.
$(OUT)/tests/test_config: user/mgmd/config.c
$(OUT)/tests/test_prom: user/mgmd/prom.c
$(OUT)/tests/test_mfetab: user/dp/mfetab.c user/dp/mfetab.h
$(OUT)/tests/test_mfehot: user/dp/mfehot.c user/dp/mfehot.h
$(OUT)/tests/test_remote_x: user/mgmd/remote.c
$(OUT)/tests/test_cmd_x: user/mgmd/cmd.c user/mgmd/metrics.c user/mgmd/prom.c

$(OUT)/tests/test_%: tests/bpf/test_%.c $(BPF_HELP) $(OUT)/libmgm.a $(HDRS) $(SKELS) tests/check.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -Itests -o $@ $< $(BPF_HELP) $(OUT)/libmgm.a $(LDLIBS)

check: deps all
	$(Q)./tests/run.sh all

check-unit: $(UNIT_TESTS)
	$(Q)./tests/run.sh unit

check-bpf: all
	$(Q)./tests/run.sh bpf

check-integration: all
	$(Q)./tests/run.sh integration

# The integration tests that need optional kernel features, in a guest
# with Debian's stock kernel (tests/vm/; not in check yet, see README).
vmcheck: all
	$(Q)MGM_DEPS_VM=1 ./tools/deps.sh
	$(Q)./tests/run.sh vm

demo: deps all
	$(Q)./tools/demo.sh

bench: deps all
	$(Q)./tools/bench.sh

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	$(Q)rm -rf $(OUT)

# ---- fuzzing: libFuzzer targets and corpus replay (mk/fuzz.mk) ----
include mk/fuzz.mk

# ---- make install / uninstall, pkg-config files, the unit (mk/install.mk) ----
include mk/install.mk
