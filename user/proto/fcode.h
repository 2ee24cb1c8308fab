/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fcode.h - the "floating-point" time codes of IGMPv3 and MLDv2: a value
 * below 1 << (mant_bits + 3) is itself; above, 1 | exp(3) | mant(mant_bits)
 * stands for (mant | 1 << mant_bits) << (exp + 3).  IGMPv3's Max Resp Code
 * and QQIC and MLDv2's QQIC use 4 mantissa bits in 8 (RFC 3376 4.1.1,
 * 4.1.7; RFC 3810 5.1.9), MLDv2's Maximum Response Code 12 in 16 (RFC
 * 3810 5.1.3).
 */
#ifndef MGM_PROTO_FCODE_H
#define MGM_PROTO_FCODE_H

#include <stdint.h>

static inline uint32_t fcode_decode(uint32_t code, unsigned int mant_bits)
{
	uint32_t mask = (1U << mant_bits) - 1;

	if (code < 1U << (mant_bits + 3))
		return code;
	return ((code & mask) | (mask + 1)) << (((code >> mant_bits) & 7) + 3);
}

/*
 * The code for value: the smallest exponent whose mantissa fits,
 * truncating, so that a time sent is never longer than asked; beyond the
 * largest code it saturates.
 */
static inline uint32_t fcode_encode(uint32_t value, unsigned int mant_bits)
{
	uint32_t mask = (1U << mant_bits) - 1, exp;

	if (value < 1U << (mant_bits + 3))
		return value;
	for (exp = 0; exp < 8; exp++) {
		uint32_t mant = value >> (exp + 3);

		if (mant <= 2 * mask + 1)
			return 1U << (mant_bits + 3) | exp << mant_bits |
			       (mant & mask);
	}
	return (1U << (mant_bits + 4)) - 1;
}

#endif /* MGM_PROTO_FCODE_H */
