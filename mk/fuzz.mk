# SPDX-License-Identifier: GPL-2.0
#
# Fuzzing (included by the Makefile).  One libFuzzer target per parser of
# outside input, tests/fuzz/fuzz_NAME.c, with its seed corpus in
# tests/fuzz/corpus/NAME/ and its dictionary, if any, tests/fuzz/NAME.dict.
#
#   make fuzz                  build the targets with clang and
#                              -fsanitize=fuzzer,address,undefined
#   make fuzz FUZZ_SECONDS=N   ... and run each for N seconds on its corpus
#                              (new inputs go to $(OUT)/fuzz/work/NAME, the
#                              checked-in corpus is only read); fails if
#                              any target crashes (the input is left in
#                              $(OUT)/fuzz/crash-NAME-*)
#
# The corpora are also a regression test: $(OUT)/tests/fuzz_NAME is the
# harness built with $(CC) and ASan/UBSan around tests/fuzz/replay.c (no
# libFuzzer needed), run by tests/run.sh (layer "fuzz", part of "all").

FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(patsubst %,$(OUT)/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_REPLAYS := $(patsubst %,$(OUT)/tests/fuzz_%,$(FUZZ_NAMES))
FUZZ_SECONDS ?=
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer
# The tree is gnu11 and built with gcc: clang's warnings about GNU
# extensions (a flexible struct as a member, ...) are not errors here.
FUZZ_CFLAGS  := $(CFLAGS) -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
		-Wno-gnu -Itests -Itests/unit
FUZZ_LIB     := $(OUT)/fuzz/libmgm-fuzz.a
# Headers of the harnesses and the fakes they link.
FUZZ_HDRS    := tests/fuzz/fuzz_pkt.h tests/unit/fake_dp.h \
		tests/unit/fake_igmp_io.h

# What each harness links besides itself and the MGM core + protocols.
FUZZ_EXTRA_mgmd    := user/mgmd/cmd.c user/mgmd/config.c user/mgmd/metrics.c \
		      user/mgmd/prom.c tests/unit/fake_dp.c
FUZZ_EXTRA_client  :=
FUZZ_EXTRA_config  := user/mgmd/config.c
FUZZ_EXTRA_igmp    := tests/unit/fake_igmp_io.c tests/unit/fake_dp.c
FUZZ_EXTRA_kmirror := tests/unit/fake_dp.c
FUZZ_EXTRA_mgmctl  :=
FUZZ_EXTRA_mld     :=

.PHONY: fuzz check-fuzz

all: $(FUZZ_REPLAYS)

$(OUT)/fuzz/obj/%.o: %.c $(HDRS) $(FUZZ_HDRS)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(patsubst %.c,$(OUT)/fuzz/obj/%.o,$(MGM_SRCS) $(PROTO_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

define fuzz_rule
$(OUT)/fuzz/fuzz_$(1): $(patsubst %.c,$(OUT)/fuzz/obj/%.o,tests/fuzz/fuzz_$(1).c $(FUZZ_EXTRA_$(1))) $(FUZZ_LIB)
	$$(call msg,LD-FUZZ,$$@)
	$$(Q)$$(CLANG) $$(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ $$(LDLIBS)

$(OUT)/tests/fuzz_$(1): tests/fuzz/fuzz_$(1).c tests/fuzz/replay.c $(FUZZ_EXTRA_$(1)) $(OUT)/libmgm-san.a $(HDRS) $(FUZZ_HDRS)
	$$(call msg,CC-SAN,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(CC) $$(CFLAGS) -O1 $$(SAN) -Itests -Itests/unit -o $$@ \
		tests/fuzz/fuzz_$(1).c tests/fuzz/replay.c $(FUZZ_EXTRA_$(1)) \
		$(OUT)/libmgm-san.a $$(LDLIBS)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(n))))

fuzz: $(FUZZ_BINS)
ifneq ($(FUZZ_SECONDS),)
	$(Q)fail=""; \
	for n in $(FUZZ_NAMES); do \
		mkdir -p $(OUT)/fuzz/work/$$n; \
		echo "  FUZZ     $$n for $(FUZZ_SECONDS) s"; \
		dict=""; [ -f tests/fuzz/$$n.dict ] && dict=-dict=tests/fuzz/$$n.dict; \
		$(OUT)/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
			-timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=$(OUT)/fuzz/crash-$$n- $$dict \
			$(OUT)/fuzz/work/$$n tests/fuzz/corpus/$$n \
			>$(OUT)/fuzz/$$n.log 2>&1 || { \
			fail="$$fail $$n"; tail -n 40 $(OUT)/fuzz/$$n.log; }; \
		grep -E '^(#[0-9]+.*DONE|Done [0-9]+ runs)' $(OUT)/fuzz/$$n.log | tail -n 1; \
	done; \
	if [ -n "$$fail" ]; then echo "fuzz: crashes in:$$fail (see $(OUT)/fuzz/)"; exit 1; fi
endif

check-fuzz: $(FUZZ_REPLAYS)
	$(Q)./tests/run.sh fuzz

# Harnesses compile some sources in (#include "mgmd/ctl.c"): rebuild on
# any change there.
FUZZ_INCLUDED := $(wildcard user/mgmd/*.c user/client/*.c user/mgmctl/*.c)
$(patsubst %,$(OUT)/fuzz/obj/tests/fuzz/fuzz_%.o,$(FUZZ_NAMES)) $(FUZZ_REPLAYS): $(FUZZ_INCLUDED)
